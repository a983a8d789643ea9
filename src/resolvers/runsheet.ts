import type { OperationMap } from './operation';

export const runsheetOperations = {} satisfies OperationMap;
