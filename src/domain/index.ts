/** The runsheet's pure rules: no I/O, no database. Import from here or from the area module. */
export * from './statuses';
export * from './errors';
export * from './access/permissions';
export * from './execution/step-code';
export * from './execution/step-transitions';
export * from './execution/instructions';
export * from './execution/controls';
export * from './execution/rollups';
export * from './execution/scheduling';
export * from './execution/critical-path';
export * from './planning/instantiation';
