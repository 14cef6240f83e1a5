/**
 * E-mail texts in French, English and Arabic (right to left), plain text and HTML. Instants are written in the
 * recipient's time zone and language by Intl; the caller passes both (a user's own, else the workspace's).
 */
export const LANGUAGES = ['fr', 'en', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface TicketMailContent {
  readonly language: Language;
  readonly timeZone: string;
  readonly eventType: string;
  readonly ticket: {
    readonly id: string;
    readonly reference: string;
    readonly subject: string;
    readonly link: string;
    /** The ticket's running deadlines, epoch ms. */
    readonly due: readonly {
      readonly metric: string;
      readonly dueAtMs: number;
      /** Business time left when the message was written (the clock's target minus what it used). */
      readonly remainingBusinessMs?: number | undefined;
    }[];
  };
  readonly metric?: string | undefined;
  readonly threshold?: number | undefined;
  /** Staff hear of a new ticket as such; the requester gets the acknowledgement (default). */
  readonly audience?: 'requester' | 'staff' | undefined;
  /** Subject line and opening sentence of their own, already in `language` (consultation requests' events). */
  readonly wording?: { readonly subject: string; readonly intro: string } | undefined;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface Strings {
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  readonly subject: Record<'created' | 'opened' | 'commented' | 'warning' | 'breached' | 'updated', string>;
  readonly intro: Record<'created' | 'opened' | 'commented' | 'warning' | 'breached' | 'updated', string>;
  readonly due: string;
  readonly reference: string;
  /** French sets a space before the colon. */
  readonly colon: string;
  readonly view: string;
  readonly footer: string;
}

const STRINGS: Record<Language, Strings> = {
  fr: {
    locale: 'fr-BE',
    dir: 'ltr',
    subject: {
      created: 'Demande reçue : {subject}',
      opened: 'Nouvelle demande : {subject}',
      commented: 'Nouvelle réponse : {subject}',
      warning: 'Échéance proche ({threshold} %) : {subject}',
      breached: 'Délai dépassé : {subject}',
      updated: 'Demande mise à jour : {subject}',
    },
    intro: {
      created: 'Nous avons bien reçu votre demande et la traitons selon votre contrat.',
      opened: 'Une nouvelle demande a été ouverte et attend l’équipe.',
      commented: 'Une nouvelle réponse a été publiée sur la demande.',
      warning: 'Le délai « {metric} » a atteint {threshold} %.',
      breached: 'Le délai « {metric} » est dépassé.',
      updated: 'La demande a été mise à jour.',
    },
    due: 'Échéance « {metric} » : {when}',
    reference: 'Référence',
    colon: ' : ',
    view: 'Voir la demande',
    footer: 'Message automatique envoyé par Accord.',
  },
  en: {
    locale: 'en-GB',
    dir: 'ltr',
    subject: {
      created: 'Request received: {subject}',
      opened: 'New request: {subject}',
      commented: 'New reply: {subject}',
      warning: 'Deadline approaching ({threshold} %): {subject}',
      breached: 'Deadline missed: {subject}',
      updated: 'Request updated: {subject}',
    },
    intro: {
      created: 'We have received your request and are handling it under your agreement.',
      opened: 'A new request was opened and awaits the team.',
      commented: 'A new reply was posted on the request.',
      warning: 'The "{metric}" deadline has reached {threshold} %.',
      breached: 'The "{metric}" deadline has been missed.',
      updated: 'The request was updated.',
    },
    due: '"{metric}" due {when}',
    reference: 'Reference',
    colon: ': ',
    view: 'View the request',
    footer: 'Automatic message sent by Accord.',
  },
  ar: {
    locale: 'ar-u-ca-gregory',
    dir: 'rtl',
    subject: {
      created: 'تم استلام طلبك: {subject}',
      opened: 'طلب جديد: {subject}',
      commented: 'رد جديد: {subject}',
      warning: 'اقتراب الموعد النهائي ({threshold}٪): {subject}',
      breached: 'تم تجاوز الموعد النهائي: {subject}',
      updated: 'تحديث على الطلب: {subject}',
    },
    intro: {
      created: 'لقد استلمنا طلبك ونعمل على معالجته وفق اتفاقية الخدمة.',
      opened: 'تم فتح طلب جديد وهو بانتظار فريق الدعم.',
      commented: 'تمت إضافة رد جديد على الطلب.',
      warning: 'بلغت مهلة «{metric}» نسبة {threshold}٪.',
      breached: 'تم تجاوز مهلة «{metric}».',
      updated: 'تم تحديث الطلب.',
    },
    due: 'موعد «{metric}»: {when}',
    reference: 'المرجع',
    colon: ': ',
    view: 'عرض الطلب',
    footer: 'رسالة آلية من Accord.',
  },
};

function kindOf(eventType: string, audience?: 'requester' | 'staff'): keyof Strings['subject'] {
  if (eventType === 'ticket.created') return audience === 'staff' ? 'opened' : 'created';
  if (eventType === 'ticket.commented') return 'commented';
  if (eventType === 'sla.warning') return 'warning';
  if (eventType === 'sla.breached') return 'breached';
  return 'updated';
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Business time in words: "4 business hours", "4 h ouvrées", "2 h 30 min of business time". */
export function businessDuration(durationMs: number, language: Language): string {
  const totalMinutes = Math.max(0, Math.round(durationMs / 60_000));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (language === 'fr') {
    const text = hours === 0 ? `${minutes} min` : minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
    return `${text} ouvrées`;
  }
  if (language === 'ar') {
    const text =
      hours === 0 ? `${minutes} دقيقة` : minutes === 0 ? `${hours} ساعة` : `${hours} ساعة و${minutes} دقيقة`;
    return `${text} عمل`;
  }
  if (minutes === 0 && hours > 0) return `${hours} business hour${hours === 1 ? '' : 's'}`;
  return `${hours === 0 ? '' : `${hours} h `}${minutes} min of business time`;
}

/** "Monday 30 March 2026, 11:00 (Europe/Brussels)" in the recipient's language and zone. */
/**
 * One formatter per language and zone: building an `Intl.DateTimeFormat` costs far more than formatting with it, and
 * a ticket's creation renders a mail per recipient. Bounded by languages × the zones users chose; cleared past 256.
 */
const instantFormats = new Map<string, Intl.DateTimeFormat>();

export function formatInstant(atMs: number, language: Language, timeZone: string): string {
  const key = `${language}\u0000${timeZone}`;
  let format = instantFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(STRINGS[language].locale, {
      timeZone,
      dateStyle: 'full',
      timeStyle: 'short',
    });
    if (instantFormats.size >= 256) instantFormats.clear();
    instantFormats.set(key, format);
  }
  return `${format.format(atMs)} (${timeZone})`;
}

export function renderTicketMail(content: TicketMailContent): RenderedMail {
  const s = STRINGS[content.language];
  const kind = kindOf(content.eventType, content.audience);
  const values = {
    subject: content.ticket.subject,
    metric: content.metric ?? '',
    threshold: content.threshold === undefined ? '' : String(content.threshold),
  };
  const subject = `[#${content.ticket.reference}] ${content.wording?.subject ?? fill(s.subject[kind], values)}`;
  const intro = content.wording?.intro ?? fill(s.intro[kind], values);
  const dues = content.ticket.due.map((d) => {
    const when = formatInstant(d.dueAtMs, content.language, content.timeZone);
    const left =
      d.remainingBusinessMs === undefined
        ? ''
        : `, ${businessDuration(d.remainingBusinessMs, content.language)}`;
    return fill(s.due, { metric: d.metric, when: `${when}${left}` });
  });
  const text = [
    intro,
    '',
    `${s.reference}${s.colon}#${content.ticket.reference} — ${content.ticket.subject}`,
    ...dues,
    '',
    `${s.view}${s.colon}${content.ticket.link}`,
    '',
    '-- ',
    s.footer,
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html dir="${s.dir}" lang="${content.language}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="font-family:sans-serif;text-align:${s.dir === 'rtl' ? 'right' : 'left'}">`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p><strong>${escapeHtml(s.reference)}</strong> #${escapeHtml(content.ticket.reference)} — ${escapeHtml(content.ticket.subject)}</p>`,
    dues.length === 0 ? '' : `<ul>${dues.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`,
    `<p><a href="${escapeHtml(content.ticket.link)}">${escapeHtml(s.view)}</a></p>`,
    `<p style="color:#666">${escapeHtml(s.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** Short in-app texts, in the same languages. */
export function renderInApp(content: TicketMailContent): { title: string; body: string } {
  const rendered = renderTicketMail(content);
  return {
    title: rendered.subject,
    body:
      content.wording?.intro ??
      fill(STRINGS[content.language].intro[kindOf(content.eventType, content.audience)], {
        metric: content.metric ?? '',
        threshold: content.threshold === undefined ? '' : String(content.threshold),
      }),
  };
}
