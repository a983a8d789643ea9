import { currentSession, sessionInput } from '../services/session';
import { op, type OperationMap } from './operation';

export const sessionOperations = {
  'session/me': op(sessionInput, currentSession),
} satisfies OperationMap;
