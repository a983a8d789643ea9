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
import { op, type OperationMap } from './operation';

/** Administrators only, refused before the payload is read (see Operation.authorize). */
function adminOp<S extends z.ZodType, R>(schema: S, run: (ctx: ServiceContext, input: z.output<S>) => Promise<R>) {
  return op(schema, run, { authorize: assertCanImport });
}

export const importOperations = {
  'imports/templates': adminOp(z.strictObject({}), async () => importTemplates()),
  'imports/upload': adminOp(uploadImportInput, uploadImport),
  // Files larger than one call: announced, sent in parts, then finished into a batch.
  'imports/uploads/start': adminOp(startUploadInput, startUpload),
  'imports/uploads/part': adminOp(uploadPartInput, uploadPart),
  'imports/uploads/get': adminOp(uploadIdInput, getUpload),
  'imports/uploads/finish': adminOp(uploadIdInput, finishUpload),
  'imports/continue': adminOp(batchIdInput, continueImport),
  // What a promotion would change, computed on the staged batch and rolled back.
  'imports/preview': adminOp(previewInput, previewPromotion),
  'imports/promote': adminOp(batchIdInput, promoteImport),
  'imports/rollback': adminOp(batchIdInput, rollbackImport),
  'imports/get': adminOp(batchIdInput, getImport),
  'imports/list': adminOp(listImportsInput, listImports),
  'imports/schedules/create': adminOp(createScheduleInput, createSchedule),
  'imports/schedules/pause': adminOp(scheduleIdInput, pauseSchedule),
  'imports/schedules/resume': adminOp(scheduleIdInput, resumeSchedule),
  'imports/schedules/list': adminOp(listSchedulesInput, listSchedules),
  'exports/masterPlanJson': adminOp(masterPlanJsonInput, exportMasterPlanJson),
  // The runsheet is readable by every registered user, so its exports are too.
  'exports/runsheetCsv': op(runsheetExportInput, exportRunsheetCsv),
  'exports/runsheetXlsx': op(runsheetExportInput, exportRunsheetXlsx),
} satisfies OperationMap;
