import { freeUserCode, placeholderEmail, profileFromHints, readNewcomerAccess, userCodeCandidates } from '../../../../src/domain/access/registration';

describe('self-registration rules', () => {
  test('a profile from Confluence’s display name and email', () => {
    expect(profileFromHints('acc-1', { displayName: '  Noor   Haddad ', email: 'noor@example.com' })).toEqual({ firstName: 'Noor', lastName: 'Haddad', email: 'noor@example.com' });
    expect(profileFromHints('acc-1', { displayName: 'Jan van der Berg' })).toEqual({ firstName: 'Jan', lastName: 'van der Berg', email: 'acc-1@confluence-account.invalid' });
    expect(profileFromHints('acc-1', { displayName: 'Cher', email: 'not an email' })).toMatchObject({ firstName: 'Cher', lastName: '-', email: 'acc-1@confluence-account.invalid' });
    expect(profileFromHints('557058:0a1b2c3d-9999', {})).toMatchObject({ firstName: 'Confluence user', lastName: 'c3d-9999' });
    const long = profileFromHints('acc-1', { displayName: `${'A'.repeat(80)} ${'B'.repeat(80)}` });
    expect([long.firstName.length, long.lastName.length]).toEqual([50, 50]);
  });

  test('placeholder emails are unique per account and can never be delivered', () => {
    expect(placeholderEmail('557058:ab/cd')).toBe('557058-ab-cd@confluence-account.invalid');
  });

  test('user codes: initials first, then letters of the name, digits, anything', () => {
    const codes = [...userCodeCandidates('Noor', 'Haddad')];
    expect(codes.slice(0, 3)).toEqual(['NHA', 'NHD', 'NOH']);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(36 ** 3);
    expect(freeUserCode('Noor', 'Haddad', new Set(['NHA', 'NHD']))).toBe('NOH');
    expect(freeUserCode('Élodie', 'Ñúñez', new Set())).toBe('ENU');
    expect(freeUserCode('', '', new Set())).toBe('UX1');
    expect(freeUserCode('A', 'B', new Set([...userCodeCandidates('A', 'B')]))).toBeUndefined();
  });

  test('newcomer access: anything but NORMAL waits for approval', () => {
    expect([readNewcomerAccess('NORMAL'), readNewcomerAccess('AWAITING_APPROVAL'), readNewcomerAccess('ADMIN'), readNewcomerAccess(undefined)]).toEqual([
      'NORMAL',
      'AWAITING_APPROVAL',
      'AWAITING_APPROVAL',
      'AWAITING_APPROVAL',
    ]);
  });
});
