-- Company IDs are taken in any case (as KING OF TIME's login takes them)
-- and kept in upper case, so that 'dmo' finds DMO.
UPDATE companies SET code = upper(code);
