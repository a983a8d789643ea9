import { currentSession, sessionInput } from '../services/session';
import { accessInput, accountAccess, claimAdministration, profileHintsInput, registerSelf } from '../services/people/registration';
import { accountOp, op, type OperationMap } from './operation';

export const sessionOperations = {
  'session/me': op(sessionInput, currentSession),
  // The three calls a Confluence account may make before it is an active UMIG user.
  'session/access': accountOp(accessInput, accountAccess),
  'session/register': accountOp(profileHintsInput, registerSelf),
  'session/claimAdministration': accountOp(profileHintsInput, claimAdministration),
} satisfies OperationMap;
