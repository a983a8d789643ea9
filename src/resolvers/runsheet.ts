import { getIterationControls, getIterationControlsInput, getPhaseControls, getPhaseControlsInput } from '../services/runsheet/controls';
import { getRunsheet, getRunsheetChanges, getRunsheetChangesInput, getRunsheetInput } from '../services/runsheet/runsheet';
import { getStepDetail, getStepInput } from '../services/runsheet/step-detail';
import { op, type OperationMap } from './operation';

/** The read side of execution: the runsheet, its changes feed, the step view and the controls view. */
export const runsheetOperations = {
  'runsheet/get': op(getRunsheetInput, getRunsheet),
  'runsheet/changesSince': op(getRunsheetChangesInput, getRunsheetChanges),
  'steps/get': op(getStepInput, getStepDetail),
  'phases/controls': op(getPhaseControlsInput, getPhaseControls),
  'iterations/controls': op(getIterationControlsInput, getIterationControls),
} satisfies OperationMap;
