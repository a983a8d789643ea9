import type { OperationMap } from './operation';

export const adminOperations = {} satisfies OperationMap;
