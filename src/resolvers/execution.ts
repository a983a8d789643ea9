import type { OperationMap } from './operation';

export const executionOperations = {} satisfies OperationMap;
