import { getIterationControls, getIterationControlsInput, getPhaseControls, getPhaseControlsInput } from '../services/runsheet/controls';
import { getRunsheet, getRunsheetChanges, getRunsheetChangesInput, getRunsheetInput } from '../services/runsheet/runsheet';
import { getStepDetail, getStepInput } from '../services/runsheet/step-detail';
import { op, type OperationMap } from './operation';
import { encodeRunsheet, encodeRunsheetChanges } from './runsheet-wire';

/**
 * The read side of execution: the runsheet, its changes feed, the step view and the controls view.
 * The runsheet and its changes travel compact (runsheet-wire.ts); the apps decode them.
 */
export const runsheetOperations = {
  'runsheet/get': op(getRunsheetInput, async (ctx, input) => encodeRunsheet(await getRunsheet(ctx, input))),
  'runsheet/changesSince': op(getRunsheetChangesInput, async (ctx, input) => encodeRunsheetChanges(await getRunsheetChanges(ctx, input))),
  'steps/get': op(getStepInput, getStepDetail),
  'phases/controls': op(getPhaseControlsInput, getPhaseControls),
  'iterations/controls': op(getIterationControlsInput, getIterationControls),
} satisfies OperationMap;
