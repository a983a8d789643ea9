-- 0012: the seed's FAILED colour (#FF0000) cannot carry readable lozenge text: white on it is
-- 3.99:1 and dark text 4.05:1, under WCAG AA's 4.5:1 (src/domain/look/contrast.ts). It becomes
-- #C9372C (white text, 5.16:1). Only rows still holding the seeded colour change: a colour an
-- administrator chose is theirs (the statuses form now refuses unreadable ones).
UPDATE status_sts
   SET sts_color = '#C9372C', updated_at = now(), updated_date = now(), updated_by = 'system'
 WHERE sts_id IN (25, 30) AND sts_name = 'FAILED' AND upper(sts_color) = '#FF0000';
