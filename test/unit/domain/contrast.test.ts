import { contrastRatio, LOZENGE_TEXT, lozengeTextOn, MIN_TEXT_CONTRAST, parseHexColor, relativeLuminance, statusColorProblem } from '../../../src/domain/look/contrast';

describe('colour contrast (WCAG relative luminance)', () => {
  it('measures the reference pairs', () => {
    expect(relativeLuminance(parseHexColor('#FFFFFF')!)).toBe(1);
    expect(relativeLuminance(parseHexColor('#000000')!)).toBe(0);
    expect(contrastRatio(parseHexColor('#000000')!, parseHexColor('#FFFFFF')!)).toBeCloseTo(21, 5);
    // The audit's figure for the seed's FAILED lozenge: white on #FF0000.
    expect(contrastRatio(parseHexColor('#FFFFFF')!, parseHexColor('#FF0000')!)).toBeCloseTo(3.998, 2);
    expect(contrastRatio(parseHexColor('#777777')!, parseHexColor('#FFFFFF')!)).toBeCloseTo(4.48, 2);
  });

  it('reads #RRGGBB and RRGGBB in any case, nothing else', () => {
    expect(parseHexColor('c9372c')).toEqual({ r: 201, g: 55, b: 44 });
    for (const bad of ['red', '#FFF', '#GGGGGG', '', null, undefined, '#1234567']) expect(parseHexColor(bad)).toBeUndefined();
    expect(lozengeTextOn('orange')).toBeUndefined();
  });

  it('picks the lozenge text colour with the higher contrast', () => {
    expect(lozengeTextOn('#C9372C')).toEqual({ color: LOZENGE_TEXT.light, ratio: expect.closeTo(5.16, 2), readable: true });
    expect(lozengeTextOn('#00AA00')).toMatchObject({ color: LOZENGE_TEXT.dark, readable: true });
    expect(lozengeTextOn('#FFFF00')).toMatchObject({ color: LOZENGE_TEXT.dark, readable: true });
    expect(lozengeTextOn('#0066CC')).toMatchObject({ color: LOZENGE_TEXT.light, readable: true });
    expect(lozengeTextOn('#FF0000')).toMatchObject({ readable: false });
  });

  it('says why a status colour is refused, and accepts readable ones', () => {
    expect(statusColorProblem('#ff0000')).toBe(
      `Text on #FF0000 reaches only 4.05:1 contrast, white or dark; choose a darker or a lighter colour (at least ${MIN_TEXT_CONTRAST}:1).`,
    );
    expect(statusColorProblem('#808080')).toMatch(/^Text on #808080 reaches only 4\.10:1/);
    for (const fine of ['#C9372C', '#00AA00', '#0066CC', '#FFA500', '#DDDDDD', '#FFFF00', '#FF6600', '#CC0000', '#000000', '#FFFFFF']) {
      expect(statusColorProblem(fine)).toBeNull();
    }
    // Not a colour at all is the format rule's business.
    expect(statusColorProblem('orange')).toBeNull();
  });
});
