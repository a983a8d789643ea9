import Lozenge from '@atlaskit/lozenge';
import { lozengeTextOn } from '../../src/domain/look/contrast';
import { normalizeColor, statusLabel } from './format';

/**
 * A status as a lozenge in the color the service sends (status_sts.sts_color), so the runsheet
 * matches what administrators configured. The text colour is the one with the higher WCAG
 * contrast on it (the same rule the statuses form enforces); a colour no text reaches 4.5:1 on
 * (one saved before that rule) falls back to Atlaskit's own lozenge colours, which follow the theme.
 */
export function StatusLozenge({ status, isBold = true }: { status: { name: string; color: string | null }; isBold?: boolean }) {
  const background = normalizeColor(status.color);
  const text = lozengeTextOn(background);
  const label = statusLabel(status.name);
  return (
    <span data-status={status.name} title={label}>
      <Lozenge isBold={isBold} style={background && text?.readable ? { backgroundColor: background, color: text.color } : undefined}>
        {label}
      </Lozenge>
    </span>
  );
}
