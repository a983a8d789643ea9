/**
 * Colour contrast by WCAG 2.x relative luminance: used by the service to refuse a status colour
 * no text can be read on, and by the apps to choose the text colour of a status lozenge. Pure code
 * (no I/O, no DOM) so both sides apply the same rule.
 */

/** WCAG 2.2 AA for normal-size text (1.4.3). Lozenge text is small, so this is the bar. */
export const MIN_TEXT_CONTRAST = 4.5;

/**
 * The two text colours a status lozenge may use, in both themes: the background is the status's
 * own colour, so the contrast does not depend on the theme. Dark text is Atlassian's darkest
 * neutral (the dark theme's surface) rather than pure black, so lozenges keep the Atlassian look.
 */
export const LOZENGE_TEXT = { light: '#FFFFFF', dark: '#1D2125' } as const;

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** `#RRGGBB` or `RRGGBB` (any case) to channels 0..255; undefined for anything else. */
export function parseHexColor(color: string | null | undefined): Rgb | undefined {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color?.trim() ?? '');
  if (!match) return undefined;
  return { r: parseInt(match[1]!, 16), g: parseInt(match[2]!, 16), b: parseInt(match[3]!, 16) };
}

/** WCAG relative luminance, 0 (black) .. 1 (white). */
export function relativeLuminance({ r, g, b }: Rgb): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Contrast ratio of two colours, 1..21, whichever is lighter. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

export interface TextChoice {
  /** The text colour to use on the background. */
  color: string;
  /** Its contrast ratio with the background. */
  ratio: number;
  /** Whether it reaches MIN_TEXT_CONTRAST. */
  readable: boolean;
}

/** The lozenge text colour (light or dark) with the higher contrast on the background; undefined if the background is not #RRGGBB. */
export function lozengeTextOn(background: string | null | undefined): TextChoice | undefined {
  const rgb = parseHexColor(background);
  if (!rgb) return undefined;
  const light = contrastRatio(rgb, parseHexColor(LOZENGE_TEXT.light)!);
  const dark = contrastRatio(rgb, parseHexColor(LOZENGE_TEXT.dark)!);
  const [color, ratio] = light >= dark ? [LOZENGE_TEXT.light, light] : [LOZENGE_TEXT.dark, dark];
  return { color, ratio, readable: ratio >= MIN_TEXT_CONTRAST };
}

/** Rounded down to two decimals, so "4.49" is never shown for a colour that fails at 4.499. */
export function formatRatio(ratio: number): string {
  return (Math.floor(ratio * 100) / 100).toFixed(2);
}

/**
 * Null when text can be read on the colour, else the sentence that says why not. A colour that is
 * not #RRGGBB is another rule's business (null here).
 */
export function statusColorProblem(color: string): string | null {
  const choice = lozengeTextOn(color);
  if (!choice || choice.readable) return null;
  return `Text on ${color.toUpperCase()} reaches only ${formatRatio(choice.ratio)}:1 contrast, white or dark; choose a darker or a lighter colour (at least ${MIN_TEXT_CONTRAST}:1).`;
}
