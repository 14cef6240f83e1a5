/**
 * The one polite reply to a client whose plan does not include the e-mail channel (Start, per the hosting preset:
 * "Canaux de support : Ticket"): their message is kept, and they are pointed to the portal. Plain text and HTML, in
 * the workspace's language (Arabic right to left).
 */
export type PortalReplyLanguage = 'fr' | 'en' | 'ar';

const TEXT: Record<
  PortalReplyLanguage,
  { dir: 'ltr' | 'rtl'; subject: string; lines: (portal: string) => string[] }
> = {
  fr: {
    dir: 'ltr',
    subject: 'Votre message a bien été reçu — merci d’utiliser le portail',
    lines: (portal) => [
      'Bonjour,',
      'Nous avons bien reçu votre message et l’avons conservé pour notre équipe.',
      'Votre formule ne comprend pas le support par e-mail : pour que votre demande soit traitée dans les délais de votre contrat, merci de l’ouvrir sur le portail :',
      portal,
      'Message automatique envoyé par Accord. Il n’y sera pas répondu.',
    ],
  },
  en: {
    dir: 'ltr',
    subject: 'We received your message — please use the portal',
    lines: (portal) => [
      'Hello,',
      'We received your message and kept it for our team.',
      'Your plan does not include support by e-mail: so that your request is handled within the times of your contract, please open it on the portal:',
      portal,
      'Automatic message sent by Accord. Replies to it are not read.',
    ],
  },
  ar: {
    dir: 'rtl',
    subject: 'تم استلام رسالتك — يرجى استخدام البوابة',
    lines: (portal) => [
      'مرحبًا،',
      'تم استلام رسالتك وحفظها لفريقنا.',
      'لا تشمل باقتك الدعم عبر البريد الإلكتروني: لكي تُعالَج طلبك ضمن المدد المحددة في عقدك، يرجى فتحه عبر البوابة:',
      portal,
      'رسالة آلية مرسلة من Accord. لا تتم قراءة الردود عليها.',
    ],
  },
};

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function renderPortalReply(language: PortalReplyLanguage, portalUrl: string) {
  const t = TEXT[language];
  const lines = t.lines(portalUrl);
  const html = [
    `<!doctype html><html lang="${language}" dir="${t.dir}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(t.subject)}</title></head>`,
    `<body style="font-family:sans-serif">`,
    ...lines.map((line) =>
      line === portalUrl
        ? `<p><a href="${escapeHtml(portalUrl)}">${escapeHtml(portalUrl)}</a></p>`
        : `<p>${escapeHtml(line)}</p>`,
    ),
    '</body></html>',
  ].join('\n');
  return { subject: t.subject, text: `${lines.join('\n\n')}\n`, html };
}

/** The workspace's language, as the outgoing ticket mails choose it (notifications/fan-out.ts). */
export function languageOfPreset(preset: string | undefined): PortalReplyLanguage {
  return preset === 'hosting-be' ? 'fr' : preset === 'consulting-sa' ? 'ar' : 'en';
}
