import Lozenge from '@atlaskit/lozenge';
import { normalizeColor, readableTextOn, statusLabel } from './format';

/**
 * A status as a lozenge in the color the service sends (status_sts.sts_color), so the runsheet
 * matches what administrators configured; text color picked for contrast.
 */
export function StatusLozenge({ status, isBold = true }: { status: { name: string; color: string | null }; isBold?: boolean }) {
  const background = normalizeColor(status.color);
  const label = statusLabel(status.name);
  return (
    <span data-status={status.name} title={label}>
      <Lozenge isBold={isBold} style={background ? { backgroundColor: background, color: readableTextOn(background) } : undefined}>
        {label}
      </Lozenge>
    </span>
  );
}
