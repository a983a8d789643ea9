import {
  addComment,
  addCommentInput,
  addPilotComment,
  addPilotCommentInput,
  deleteComment,
  deleteCommentInput,
  deletePilotComment,
  deletePilotCommentInput,
  editComment,
  editCommentInput,
  editPilotComment,
  editPilotCommentInput,
} from '../services/execution/comments';
import {
  assignPhaseValidators,
  assignPhaseValidatorsInput,
  assignValidators,
  assignValidatorsInput,
  authorizeValidatorAssignment,
  recordVerdict,
  recordVerdictInput,
} from '../services/execution/controls';
import { setInstructionCompleted, setInstructionCompletedInput } from '../services/execution/instructions';
import { allowedStepTransitionsInput, changeStepStatus, changeStepStatusInput, listAllowedTransitions } from '../services/execution/steps';
import { op, type OperationMap } from './operation';

/** Executing a runsheet: step statuses, instruction ticks, control verdicts, comments. */
export const executionOperations = {
  'steps/changeStatus': op(changeStepStatusInput, changeStepStatus),
  'steps/allowedTransitions': op(allowedStepTransitionsInput, listAllowedTransitions),
  'instructions/setCompleted': op(setInstructionCompletedInput, setInstructionCompleted),
  'controls/recordVerdict': op(recordVerdictInput, recordVerdict),
  'controls/assignValidators': op(assignValidatorsInput, assignValidators, { authorize: authorizeValidatorAssignment }),
  'controls/assignPhaseValidators': op(assignPhaseValidatorsInput, assignPhaseValidators, { authorize: authorizeValidatorAssignment }),
  'comments/add': op(addCommentInput, addComment),
  'comments/edit': op(editCommentInput, editComment),
  'comments/delete': op(deleteCommentInput, deleteComment),
  'pilotComments/add': op(addPilotCommentInput, addPilotComment),
  'pilotComments/edit': op(editPilotCommentInput, editPilotComment),
  'pilotComments/delete': op(deletePilotCommentInput, deletePilotComment),
} satisfies OperationMap;
