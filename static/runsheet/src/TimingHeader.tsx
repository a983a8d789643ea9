import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { Runsheet } from '../../shared/api';
import { look } from '../../shared/look';
import { clockAt, formatVariance, timeZoneName } from './model';

/**
 * Per run: planned and forecast end against the window end, how many steps are late, and, until
 * the point of no return has started, when backing out now would finish and whether it still fits.
 */
export function TimingHeader({ runsheet }: { runsheet: Runsheet }) {
  const plans = runsheet.planInstances.filter((plan) => plan.timing !== undefined);
  if (plans.length === 0) return null;
  const zone = timeZoneName();
  return (
    <section aria-label="Schedule" style={{ display: 'flex', flexDirection: 'column', gap: token('space.050', '0.25rem'), marginBottom: '0.5rem' }}>
      {plans.map((plan) => {
        const timing = plan.timing!;
        const variance = timing.forecastEnd - timing.plannedEnd;
        return (
          <div key={plan.id} style={look.row} data-testid="timing-header">
            {plans.length > 1 && <strong>{plan.name}</strong>}
            <span>
              Planned end <strong>{clockAt(timing.start, timing.plannedEnd)}</strong>
            </span>
            <span data-testid="forecast-end">
              Forecast end <strong>{clockAt(timing.start, timing.forecastEnd)}</strong> ({formatVariance(variance)})
            </span>
            {timing.windowEnd && (
              <span>
                Window ends <strong>{clockAt(timing.windowEnd, 0)}</strong>
              </span>
            )}
            {timing.start && <span style={look.meta}>{zone}</span>}
            {timing.atRisk ? <Lozenge appearance="removed">At risk</Lozenge> : timing.windowEnd ? <Lozenge appearance="success">Fits the window</Lozenge> : null}
            {timing.late > 0 && <Lozenge appearance="moved">{`${timing.late} late`}</Lozenge>}
            {timing.noDuration > 0 && <span style={look.meta}>{timing.noDuration} steps have no duration (counted as 0)</span>}
            {timing.backout && (
              <span data-testid="backout-line">
                Backout now would finish at <strong>{clockAt(timing.backout.finishAt, 0)}</strong>
                {timing.backout.fits === false ? ' — after the window end' : timing.backout.fits ? ' — inside the window' : ''}
              </span>
            )}
          </div>
        );
      })}
    </section>
  );
}
