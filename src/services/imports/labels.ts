/**
 * Step labels in imports (docs/import-format.md "Labels"): a step's `labels` name labels; they are
 * matched by name in the upload's label migration (`labelMigrationId`), or in any migration when
 * the upload names none. With "create missing" the missing ones are created in the label
 * migration. A step whose file carries labels gets exactly those; a file without them (no JSON
 * field, no CSV column) leaves the step's labels alone.
 */
import { insertLoggedLabel, labelsNamed, wantedLabels } from '../../db/repositories/imports';
import type { DbOrTx } from '../../db/client';
import type { ImportConfiguration } from './configuration';
import type { ImportProblem } from './types';

const key = (name: string) => name.trim().toLowerCase();

/** The label names the batch names that do not exist yet (first spelling, file order), and the problems. */
export async function checkLabels(
  tx: DbOrTx,
  batchId: string,
  config: Pick<ImportConfiguration, 'format' | 'stepsFile' | 'createMissing' | 'labelMigrationId'>,
): Promise<{ missing: string[]; problems: ImportProblem[]; named: boolean }> {
  const wanted = await wantedLabels(tx, batchId);
  if (wanted.length === 0) return { missing: [], problems: [], named: false };
  const migrationId = config.labelMigrationId ?? null;
  const found = await labelsNamed(tx, [...new Set(wanted.map((entry) => entry.name))], migrationId);
  const migrationsByName = new Map<string, Set<string>>();
  for (const label of found) {
    const set = migrationsByName.get(key(label.name)) ?? new Set<string>();
    set.add(label.migrationId);
    migrationsByName.set(key(label.name), set);
  }
  const missing: string[] = [];
  const problems: ImportProblem[] = [];
  const canCreate = config.createMissing === true && migrationId !== null;
  for (const entry of wanted) {
    const holders = migrationsByName.get(key(entry.name));
    const column = config.format === 'CSV' ? 'labels' : `${entry.path ?? 'steps'}.labels`;
    const place = { file: config.stepsFile, line: entry.line, column };
    if (holders && holders.size > 1) {
      problems.push({
        ...place,
        rule: 'AMBIGUOUS_LABEL',
        message: `Label "${entry.name}" exists in ${holders.size} migrations; choose the migration whose labels the import uses.`,
      });
    } else if (!holders) {
      if (canCreate) {
        if (!missing.some((name) => key(name) === key(entry.name))) missing.push(entry.name);
      } else {
        problems.push({
          ...place,
          rule: 'UNKNOWN_LABEL',
          message: migrationId
            ? `Unknown label "${entry.name}" in the chosen migration; labels are matched by name. Tick "Create what is missing" to create it there.`
            : `Unknown label "${entry.name}"; labels are matched by name. To create it, choose the migration the new labels belong to and tick "Create what is missing".`,
        });
      }
    }
  }
  return { missing, problems, named: true };
}

/** Creates the planned labels in the label migration, each logged (a rollback deletes them). */
export async function createLabels(tx: DbOrTx, batchId: string, by: string, userId: number, migrationId: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const existing = new Set((await labelsNamed(tx, names, migrationId)).map((label) => key(label.name)));
  for (const name of names.filter((label) => !existing.has(key(label)))) {
    await insertLoggedLabel(tx, batchId, by, { migrationId, name, description: `Created by import ${batchId}.`, createdBy: userId });
  }
}
