import { describe, expect, it } from 'vitest';
import { businessDuration, formatInstant, renderTicketMail, type Language } from './email-templates.ts';

const HOUR = 3_600_000;

describe('businessDuration', () => {
  it.each<[number, Language, string]>([
    [4 * HOUR, 'en', '4 business hours'],
    [1 * HOUR, 'en', '1 business hour'],
    [2.5 * HOUR, 'en', '2 h 30 min of business time'],
    [20 * 60_000, 'en', '20 min of business time'],
    [4 * HOUR, 'fr', '4 h ouvrées'],
    [2.5 * HOUR, 'fr', '2 h 30 min ouvrées'],
    [4 * HOUR, 'ar', '4 ساعة عمل'],
  ])('%d ms in %s → %s', (ms, language, text) => {
    expect(businessDuration(ms, language)).toBe(text);
  });
});

describe('formatInstant', () => {
  it.each<[string, Language, string, string]>([
    // Brussels: UTC+1 in winter, UTC+2 after the last Sunday of March.
    ['2026-03-27T12:00:00Z', 'en', 'Europe/Brussels', 'Friday, 27 March 2026 at 13:00 (Europe/Brussels)'],
    ['2026-03-30T09:00:00Z', 'en', 'Europe/Brussels', 'Monday, 30 March 2026 at 11:00 (Europe/Brussels)'],
    ['2026-03-30T09:00:00Z', 'fr', 'Europe/Brussels', 'lundi 30 mars 2026 à 11:00 (Europe/Brussels)'],
  ])('%s in %s, %s', (at, language, zone, text) => {
    expect(formatInstant(Date.parse(at), language, zone)).toBe(text);
  });

  it('keeps one formatter per language and zone, never answering for another', () => {
    const at = Date.parse('2026-03-30T09:00:00Z');
    const brussels = formatInstant(at, 'en', 'Europe/Brussels');
    expect(formatInstant(at, 'en', 'Asia/Riyadh')).not.toBe(brussels);
    expect(formatInstant(at, 'en', 'Asia/Riyadh')).toContain('12:00');
    expect(formatInstant(at, 'fr', 'Europe/Brussels')).toContain('lundi');
    expect(formatInstant(at, 'en', 'Europe/Brussels')).toBe(brussels);
  });

  it('writes Arabic on the Gregorian calendar, in Riyadh time', () => {
    const text = formatInstant(Date.parse('2026-03-01T09:00:00Z'), 'ar', 'Asia/Riyadh');
    expect(text).toContain('2026');
    expect(text).toContain('(Asia/Riyadh)');
  });
});

describe('renderTicketMail', () => {
  const content = {
    timeZone: 'Europe/Brussels',
    eventType: 'sla.warning',
    ticket: {
      id: 'abc',
      reference: 'ABC',
      subject: '<script>alert(1)</script>',
      link: 'https://desk.example/tickets/abc',
      due: [{ metric: 'resolution', dueAtMs: Date.parse('2026-03-30T09:00:00Z'), remainingBusinessMs: HOUR }],
    },
    metric: 'resolution',
    threshold: 75,
  };

  it.each<[Language, string, string]>([
    ['fr', '[#ABC] Échéance proche (75 %) : <script>alert(1)</script>', '<html dir="ltr" lang="fr">'],
    ['en', '[#ABC] Deadline approaching (75 %): <script>alert(1)</script>', '<html dir="ltr" lang="en">'],
    ['ar', '[#ABC] اقتراب الموعد النهائي (75٪): <script>alert(1)</script>', '<html dir="rtl" lang="ar">'],
  ])('%s: subject, direction, escaped HTML', (language, subject, root) => {
    const mail = renderTicketMail({ ...content, language });
    expect(mail.subject).toBe(subject);
    expect(mail.html).toContain(root);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.text).toContain('https://desk.example/tickets/abc');
  });
});
