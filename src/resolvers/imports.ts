import { z } from 'zod';
import type { ServiceContext } from '../services/context';
import {
  batchIdInput,
  continueImport,
  getImport,
  listImports,
  listImportsInput,
  promoteImport,
  rollbackImport,
  uploadImport,
  uploadImportInput,
} from '../services/imports/batches';
import { assertCanImport } from '../services/imports/permissions';
import {
  createSchedule,
  createScheduleInput,
  listSchedules,
  listSchedulesInput,
  pauseSchedule,
  resumeSchedule,
  scheduleIdInput,
} from '../services/imports/schedules';
import { previewInput, previewPromotion } from '../services/imports/preview';
import { importTemplates } from '../services/imports/templates';
import { finishUpload, getUpload, startUpload, startUploadInput, uploadIdInput, uploadPart, uploadPartInput } from '../services/imports/uploads';
import { exportMasterPlanJson, masterPlanJsonInput } from '../services/exports/master-plan-json';
import { exportRunsheetCsv, exportRunsheetXlsx, runsheetExportInput } from '../services/exports/runsheet-files';
import { limitedPerUser } from '../services/user-concurrency';
import { op, type OperationMap } from './operation';

/** Administrators only, refused before the payload is read (see Operation.authorize). */
function adminOp<S extends z.ZodType, R>(schema: S, run: (ctx: ServiceContext, input: z.output<S>) => Promise<R>) {
  return op(schema, run, { authorize: assertCanImport });
}

export const importOperations = {
  'imports/templates': adminOp(z.strictObject({}), async () => importTemplates()),
  // The heavy calls run at most two at a time per user (src/services/user-concurrency.ts).
  'imports/upload': adminOp(uploadImportInput, limitedPerUser('import', uploadImport)),
  // Files larger than one call: announced, sent in parts, then finished into a batch.
  'imports/uploads/start': adminOp(startUploadInput, startUpload),
  'imports/uploads/part': adminOp(uploadPartInput, uploadPart),
  'imports/uploads/get': adminOp(uploadIdInput, getUpload),
  'imports/uploads/finish': adminOp(uploadIdInput, limitedPerUser('import', finishUpload)),
  'imports/continue': adminOp(batchIdInput, limitedPerUser('import', continueImport)),
  // What a promotion would change, computed on the staged batch and rolled back.
  'imports/preview': adminOp(previewInput, limitedPerUser('import', previewPromotion)),
  'imports/promote': adminOp(batchIdInput, limitedPerUser('import', promoteImport)),
  'imports/rollback': adminOp(batchIdInput, rollbackImport),
  'imports/get': adminOp(batchIdInput, getImport),
  'imports/list': adminOp(listImportsInput, listImports),
  'imports/schedules/create': adminOp(createScheduleInput, createSchedule),
  'imports/schedules/pause': adminOp(scheduleIdInput, pauseSchedule),
  'imports/schedules/resume': adminOp(scheduleIdInput, resumeSchedule),
  'imports/schedules/list': adminOp(listSchedulesInput, listSchedules),
  'exports/masterPlanJson': adminOp(masterPlanJsonInput, limitedPerUser('export', exportMasterPlanJson)),
  // The runsheet is readable by every registered user, so its exports are too.
  'exports/runsheetCsv': op(runsheetExportInput, limitedPerUser('export', exportRunsheetCsv)),
  'exports/runsheetXlsx': op(runsheetExportInput, limitedPerUser('export', exportRunsheetXlsx)),
} satisfies OperationMap;
