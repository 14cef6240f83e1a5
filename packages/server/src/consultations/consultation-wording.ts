import type { Language } from '../notifications/templates/email-templates.ts';

/** What a consultation message is about, from its outbox topic (and, at creation, whether it went to one consultant). */
export type ConsultationMailKind =
  | 'created-direct'
  | 'created-board'
  | 'offered'
  | 'listed'
  | 'unassigned'
  | 'accepted'
  | 'claimed'
  | 'contacted'
  | 'contact-warning'
  | 'contact-overdue'
  | 'closed'
  | 'cancelled'
  | 'message'
  | 'updated';

interface Wording {
  readonly subject: string;
  readonly intro: string;
}

export function consultationMailKind(topic: string, payload: Record<string, unknown>): ConsultationMailKind {
  const event = topic.replace(/^consultation\./, '');
  if (event === 'created') return payload['state'] === 'offered' ? 'created-direct' : 'created-board';
  const known: readonly ConsultationMailKind[] = [
    'offered',
    'listed',
    'unassigned',
    'accepted',
    'claimed',
    'contacted',
    'contact-warning',
    'contact-overdue',
    'closed',
    'cancelled',
    'message',
  ];
  return (known as readonly string[]).includes(event) ? (event as ConsultationMailKind) : 'updated';
}

/**
 * E-mail and in-app wording per consultation event, in the recipient's language. The deadlines themselves are listed
 * below the text with their instants (policy data: "4 heures ouvrables" to answer, "24 heures ouvrables" to contact),
 * so no duration is written here.
 */
const WORDING: Record<Language, Record<ConsultationMailKind, Wording>> = {
  en: {
    'created-direct': {
      subject: 'New consultation request for you: {subject}',
      intro: 'A client chose you for a consultation. Accept or decline it before the deadline below.',
    },
    'created-board': {
      subject: 'New consultation request on the board: {subject}',
      intro:
        'A request you are qualified for is on the request board. The first consultant to take it handles it.',
    },
    offered: {
      subject: 'Consultation request offered to you: {subject}',
      intro:
        'Another consultant could not take this request; it is now offered to you. Accept or decline it before the deadline below.',
    },
    listed: {
      subject: 'Consultation request back on the board: {subject}',
      intro: 'This request is back on the request board and you are qualified for it.',
    },
    unassigned: {
      subject: 'No consultant for a request: {subject}',
      intro:
        'Every qualified consultant declined this request or none is available. Assign it or contact the client.',
    },
    accepted: {
      subject: 'Your consultation request was accepted: {subject}',
      intro: 'A consultant accepted your request and will contact you before the deadline below.',
    },
    claimed: {
      subject: 'Your consultation request was taken: {subject}',
      intro: 'A consultant took your request from the board and will contact you before the deadline below.',
    },
    contacted: {
      subject: 'Your consultant got in touch: {subject}',
      intro: 'Your consultant has contacted you about your request.',
    },
    'contact-warning': {
      subject: 'Contact the client soon ({threshold} %): {subject}',
      intro: 'The deadline to contact the client is approaching.',
    },
    'contact-overdue': {
      subject: 'Client not contacted in time: {subject}',
      intro: 'The deadline to contact the client has passed.',
    },
    closed: {
      subject: 'Consultation closed: {subject}',
      intro: 'This consultation was closed.',
    },
    cancelled: {
      subject: 'Consultation request cancelled: {subject}',
      intro: 'This consultation request was cancelled.',
    },
    message: {
      subject: 'New message about your consultation: {subject}',
      intro: 'You have a new message about this consultation.',
    },
    updated: {
      subject: 'Consultation request updated: {subject}',
      intro: 'This consultation request was updated.',
    },
  },
  fr: {
    'created-direct': {
      subject: 'Nouvelle demande de consultation pour vous : {subject}',
      intro:
        'Un client vous a choisi pour une consultation. Acceptez-la ou refusez-la avant l’échéance ci-dessous.',
    },
    'created-board': {
      subject: 'Nouvelle demande au tableau : {subject}',
      intro:
        'Une demande pour laquelle vous êtes qualifié est affichée au tableau des demandes. Le premier consultant qui la prend la traite.',
    },
    offered: {
      subject: 'Demande de consultation proposée : {subject}',
      intro:
        'Un autre consultant n’a pas pu prendre cette demande ; elle vous est proposée. Acceptez-la ou refusez-la avant l’échéance ci-dessous.',
    },
    listed: {
      subject: 'Demande de nouveau au tableau : {subject}',
      intro: 'Cette demande est de nouveau au tableau des demandes et vous êtes qualifié pour la prendre.',
    },
    unassigned: {
      subject: 'Aucun consultant pour une demande : {subject}',
      intro:
        'Tous les consultants qualifiés ont refusé cette demande ou aucun n’est disponible. Attribuez-la ou contactez le client.',
    },
    accepted: {
      subject: 'Votre demande de consultation est acceptée : {subject}',
      intro: 'Un consultant a accepté votre demande et vous contactera avant l’échéance ci-dessous.',
    },
    claimed: {
      subject: 'Votre demande de consultation est prise en charge : {subject}',
      intro: 'Un consultant a pris votre demande au tableau et vous contactera avant l’échéance ci-dessous.',
    },
    contacted: {
      subject: 'Votre consultant vous a contacté : {subject}',
      intro: 'Votre consultant vous a contacté au sujet de votre demande.',
    },
    'contact-warning': {
      subject: 'Contactez bientôt le client ({threshold} %) : {subject}',
      intro: 'L’échéance pour contacter le client approche.',
    },
    'contact-overdue': {
      subject: 'Client non contacté dans le délai : {subject}',
      intro: 'L’échéance pour contacter le client est dépassée.',
    },
    closed: {
      subject: 'Consultation clôturée : {subject}',
      intro: 'Cette consultation a été clôturée.',
    },
    cancelled: {
      subject: 'Demande de consultation annulée : {subject}',
      intro: 'Cette demande de consultation a été annulée.',
    },
    message: {
      subject: 'Nouveau message sur votre consultation : {subject}',
      intro: 'Vous avez un nouveau message au sujet de cette consultation.',
    },
    updated: {
      subject: 'Demande de consultation mise à jour : {subject}',
      intro: 'Cette demande de consultation a été mise à jour.',
    },
  },
  ar: {
    'created-direct': {
      subject: 'طلب استشارة جديد موجه إليك: {subject}',
      intro: 'اختارك عميل لاستشارة. اقبل الطلب أو ارفضه قبل الموعد المذكور أدناه.',
    },
    'created-board': {
      subject: 'طلب استشارة جديد على اللوحة: {subject}',
      intro: 'يوجد على لوحة الطلبات طلب أنت مؤهل له. يتولاه أول مستشار يأخذه.',
    },
    offered: {
      subject: 'طلب استشارة معروض عليك: {subject}',
      intro:
        'لم يتمكن مستشار آخر من تولي هذا الطلب، وهو معروض عليك الآن. اقبله أو ارفضه قبل الموعد المذكور أدناه.',
    },
    listed: {
      subject: 'عاد طلب استشارة إلى اللوحة: {subject}',
      intro: 'عاد هذا الطلب إلى لوحة الطلبات وأنت مؤهل له.',
    },
    unassigned: {
      subject: 'لا يوجد مستشار لطلب: {subject}',
      intro: 'رفض جميع المستشارين المؤهلين هذا الطلب أو لا يوجد مستشار متاح. أسنده أو تواصل مع العميل.',
    },
    accepted: {
      subject: 'تم قبول طلب الاستشارة: {subject}',
      intro: 'قبل أحد المستشارين طلبك وسيتواصل معك قبل الموعد المذكور أدناه.',
    },
    claimed: {
      subject: 'تم تولي طلب الاستشارة: {subject}',
      intro: 'تولى أحد المستشارين طلبك من اللوحة وسيتواصل معك قبل الموعد المذكور أدناه.',
    },
    contacted: {
      subject: 'تواصل معك المستشار: {subject}',
      intro: 'تواصل معك المستشار بشأن طلبك.',
    },
    'contact-warning': {
      subject: 'تواصل مع العميل قريبًا ({threshold}٪): {subject}',
      intro: 'يقترب الموعد النهائي للتواصل مع العميل.',
    },
    'contact-overdue': {
      subject: 'لم يتم التواصل مع العميل في الوقت المحدد: {subject}',
      intro: 'انقضى الموعد النهائي للتواصل مع العميل.',
    },
    closed: {
      subject: 'أُغلقت الاستشارة: {subject}',
      intro: 'تم إغلاق هذه الاستشارة.',
    },
    cancelled: {
      subject: 'أُلغي طلب الاستشارة: {subject}',
      intro: 'تم إلغاء طلب الاستشارة هذا.',
    },
    message: {
      subject: 'رسالة جديدة بشأن استشارتك: {subject}',
      intro: 'لديك رسالة جديدة بشأن هذه الاستشارة.',
    },
    updated: {
      subject: 'تحديث على طلب الاستشارة: {subject}',
      intro: 'تم تحديث طلب الاستشارة هذا.',
    },
  },
};

export function consultationWording(
  kind: ConsultationMailKind,
  language: Language,
  values: { subject: string; threshold?: number | undefined },
): Wording {
  const w = WORDING[language][kind];
  const fill = (text: string) =>
    text
      .replace('{subject}', () => values.subject)
      .replace('{threshold}', () => (values.threshold === undefined ? '' : String(values.threshold)));
  return { subject: fill(w.subject), intro: fill(w.intro) };
}

/** The deadline's name in the due line ("Échéance « réponse » : …"). */
const DEADLINE_NAMES: Record<Language, Record<'accept' | 'contact', string>> = {
  en: { accept: 'answer', contact: 'contact the client' },
  fr: { accept: 'réponse', contact: 'contact du client' },
  ar: { accept: 'الرد', contact: 'التواصل مع العميل' },
};

export function deadlineName(metric: 'accept' | 'contact', language: Language): string {
  return DEADLINE_NAMES[language][metric];
}
