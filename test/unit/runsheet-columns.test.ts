import { COLUMNS, columnsThatFit } from '../../static/runsheet/src/columns';

const keys = (widthRem: number) => columnsThatFit(widthRem).map((column) => column.key);

describe('runsheet columns by priority', () => {
  it('shows every column when the table is wide enough', () => {
    expect(keys(200)).toEqual(COLUMNS.map((column) => column.key));
  });

  it('at 1280 px with the step panel open (about 48rem) keeps code, step, status, actual times and instructions', () => {
    expect(keys(48)).toEqual(['code', 'name', 'status', 'duration', 'actual', 'instructions']);
  });

  it('keeps the table order and never drops code, step or status', () => {
    expect(keys(10)).toEqual(['code', 'name', 'status']);
    const wide = keys(69);
    expect(wide).toEqual(COLUMNS.map((column) => column.key).filter((key) => wide.includes(key)));
    expect(wide).toEqual(['code', 'name', 'owner', 'status', 'planned', 'actual', 'instructions', 'gate']);
  });
});
