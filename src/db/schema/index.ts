// Filled area by area: see src/db/schema/*.ts.
export {};
