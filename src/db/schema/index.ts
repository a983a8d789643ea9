// Everything db.query needs: the tables of every area and their relations.
export * from './reference';
export * from './people';
export * from './catalog';
export * from './programme';
export * from './master';
export * from './execution';
export * from './imports';
export * from './system';
export * from './relations';
export * from './notifications';
export * from './dependencies';
