import { DEFAULT_REFRESH_MS, refreshMsOf } from '../../static/runsheet/src/refresh';

/** The runsheet app's refresh interval comes from 'session/me' refreshSeconds (setting runsheet.refreshIntervalSeconds). */
describe('runsheet refresh interval', () => {
  it('uses the configured seconds', () => {
    expect(refreshMsOf(5)).toBe(5_000);
    expect(refreshMsOf(15)).toBe(15_000);
    expect(refreshMsOf(2.5)).toBe(2_500);
  });

  it('falls back to 5 s when the service gives nothing usable', () => {
    expect(DEFAULT_REFRESH_MS).toBe(5_000);
    for (const seconds of [undefined, null, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) expect(refreshMsOf(seconds)).toBe(5_000);
  });

  it('keeps a mistyped setting between 1 s and 60 s', () => {
    expect(refreshMsOf(0.01)).toBe(1_000);
    expect(refreshMsOf(3_600)).toBe(60_000);
  });
});
