import { words, type HelpLanguage } from '../help/help-core.ts';

/**
 * The chatbot's understanding: a few intents of the agreement, recognised by keywords in French, English and Arabic
 * (folded: no accents, Arabic letter variants unified), and what it says in each language. No language model: an
 * operator may plug one in through `ChatAnswerProvider`, nothing here needs it.
 */

/** What the bot waits for after its last message. */
export type BotState = 'idle' | 'asked-solved' | 'asked-priority';

export type Intent =
  | { kind: 'human' }
  | { kind: 'status'; ref: string | null }
  | { kind: 'open-ticket' }
  | { kind: 'hours' }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'priority'; priority: string }
  | { kind: 'cancel' }
  | { kind: 'question' };

const set = (text: string) => new Set(text.split(' '));

const HUMAN = set(
  'human humain agent agents person personne someone operator operateur conseiller conseillere advisor quelqu ' +
    'انسان موظف بشري شخص ممثل وكيل',
);
const TICKET = set('ticket tickets demande incident request case تذكره تذكرتي بلاغ طلب');
const OPEN = set(
  'open create new raise file report ouvrir creer nouveau nouvelle signaler ouvre cree فتح افتح انشاء جديد جديده',
);
const STATUS = set('status statut etat suivi where ou progress avancement حاله وضع متابعه');
const HOURS = set('hours schedule opening horaires heures ouverture ساعات دوام مواعيد');
const YES = set('yes yep yeah thanks thank solved oui merci resolu parfait نعم شكرا ايوه اجل تم');
const NO = set('no nope not non pas toujours still لا ليس');
const CANCEL = set('cancel annuler annule stop الغاء توقف');
const PRIORITY_WORDS: Readonly<Record<string, string>> = {
  critical: 'P1',
  critique: 'P1',
  urgent: 'P1',
  حرجه: 'P1',
  high: 'P2',
  elevee: 'P2',
  haute: 'P2',
  عاليه: 'P2',
  medium: 'P3',
  moyenne: 'P3',
  متوسطه: 'P3',
  low: 'P4',
  faible: 'P4',
  basse: 'P4',
  منخفضه: 'P4',
};

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const SHORT_REF = /(?:^|[\s#])([0-9a-f]{8})\b/i;

/** A ticket reference in the text: a full id or the 8-character short number the bot gives out. */
export function ticketRefOf(text: string): string | null {
  return UUID.exec(text)?.[0].toLowerCase() ?? SHORT_REF.exec(text)?.[1]?.toLowerCase() ?? null;
}

export function detectIntent(text: string, state: BotState): Intent {
  const list = words(text);
  const has = (vocabulary: Set<string>) => list.some((w) => vocabulary.has(w));
  if (state === 'asked-priority') {
    const explicit = /\bp?([1-4])\b/i.exec(
      text.replace(/[\u0660-\u0669]/g, (c) => String(c.charCodeAt(0) - 0x660)),
    );
    if (explicit) return { kind: 'priority', priority: `P${explicit[1]}` };
    const named = list.find((w) => PRIORITY_WORDS[w] !== undefined);
    if (named !== undefined) return { kind: 'priority', priority: PRIORITY_WORDS[named] ?? 'P4' };
    if (has(CANCEL) || has(NO)) return { kind: 'cancel' };
  }
  if (state === 'asked-solved' && list.length <= 4) {
    if (has(NO)) return { kind: 'no' };
    if (has(YES)) return { kind: 'yes' };
  }
  if (has(HUMAN)) return { kind: 'human' };
  const ref = ticketRefOf(text);
  if (ref !== null || (has(STATUS) && has(TICKET))) return { kind: 'status', ref };
  if (has(TICKET) && has(OPEN)) return { kind: 'open-ticket' };
  if (has(HOURS)) return { kind: 'hours' };
  return { kind: 'question' };
}

/** Arabic names of the priorities, for a policy that labels them in French and English only. */
const AR_PRIORITY: Readonly<Record<string, string>> = { P1: 'حرجة', P2: 'عالية', P3: 'متوسطة', P4: 'منخفضة' };

export interface PriorityText {
  readonly id: string;
  readonly label: { fr: string; en: string; ar?: string | undefined };
  readonly description: { fr: string; en: string; ar?: string | undefined };
}

export function priorityLine(p: PriorityText, language: HelpLanguage): string {
  if (language === 'ar')
    return `${p.id} — ${p.label.ar ?? AR_PRIORITY[p.id] ?? p.label.en}: ${p.description.ar ?? p.description.en}`;
  return `${p.id} — ${p.label[language]}${language === 'fr' ? ' :' : ':'} ${p.description[language]}`;
}

/** Everything the bot says, per language. */
export const SAY = {
  greeting: {
    fr: 'Bonjour ! Je suis l’assistant automatique. Posez votre question, ou écrivez « agent » pour parler à un humain.',
    en: 'Hello! I am the automated assistant. Ask your question, or type “agent” to talk to a person.',
    ar: 'مرحباً! أنا المساعد الآلي. اطرح سؤالك، أو اكتب «موظف» للتحدث مع شخص.',
  },
  waiting: {
    fr: 'Je vous mets en relation avec un agent, un instant…',
    en: 'Connecting you to an agent, one moment…',
    ar: 'جارٍ تحويلك إلى أحد الموظفين، لحظة من فضلك…',
  },
  humansBack: {
    fr: (at: string) => `Nos agents sont absents pour le moment : un agent humain sera disponible ${at}.`,
    en: (at: string) => `Our agents are away right now: a human agent will be available ${at}.`,
    ar: (at: string) => `فريق الدعم غير متاح حالياً: سيكون أحد الموظفين متاحاً ${at}.`,
  },
  noAgentOnline: {
    fr: 'Aucun agent n’est connecté pour l’instant ; je vous aide en attendant.',
    en: 'No agent is online at the moment; I will help you meanwhile.',
    ar: 'لا يوجد موظف متصل حالياً؛ سأساعدك في الأثناء.',
  },
  noHumanChat: {
    fr: 'Votre formule ne comprend pas le chat avec un agent ; je peux ouvrir un ticket pour vous.',
    en: 'Your plan does not include chatting with an agent; I can open a ticket for you.',
    ar: 'لا تشمل باقتك المحادثة مع موظف؛ يمكنني فتح تذكرة لك.',
  },
  timedOut: {
    fr: 'Aucun agent n’a pu prendre votre conversation à temps ; je prends le relais.',
    en: 'No agent could take your chat in time; I will take over.',
    ar: 'لم يتمكن أي موظف من استلام محادثتك في الوقت المحدد؛ سأتولى المساعدة.',
  },
  agentJoined: {
    fr: (name: string) => `${name} a rejoint la conversation.`,
    en: (name: string) => `${name} joined the chat.`,
    ar: (name: string) => `انضم ${name} إلى المحادثة.`,
  },
  hours: {
    fr: (hours: string) =>
      `Support humain : ${hours}. Le chatbot et le centre d’aide sont disponibles 24 h/24, 7 j/7.`,
    en: (hours: string) => `Human support: ${hours}. The chatbot and the help centre are available 24/7.`,
    ar: (hours: string) => `الدعم البشري: ${hours}. المساعد الآلي ومركز المساعدة متاحان على مدار الساعة.`,
  },
  articles: {
    fr: 'Ces articles peuvent vous aider. Est-ce que cela a résolu votre problème ? (oui / non)',
    en: 'These articles may help. Did this solve it? (yes / no)',
    ar: 'قد تساعدك هذه المقالات. هل حُلّت مشكلتك؟ (نعم / لا)',
  },
  nothingFound: {
    fr: 'Je n’ai pas trouvé de réponse. Voulez-vous ouvrir un ticket ? Écrivez « ouvrir un ticket ».',
    en: 'I could not find an answer. Would you like to open a ticket? Type “open a ticket”.',
    ar: 'لم أجد إجابة. هل تريد فتح تذكرة؟ اكتب «فتح تذكرة».',
  },
  glad: {
    fr: 'Parfait, ravi d’avoir pu aider !',
    en: 'Great, glad I could help!',
    ar: 'رائع، سعيد لأنني استطعت المساعدة!',
  },
  askPriority: {
    fr: 'J’ouvre un ticket. Quelle est la priorité ?',
    en: 'I will open a ticket. What is the priority?',
    ar: 'سأفتح تذكرة. ما هي الأولوية؟',
  },
  cancelled: {
    fr: 'D’accord, pas de ticket. Autre chose ?',
    en: 'All right, no ticket. Anything else?',
    ar: 'حسناً، لن أفتح تذكرة. هل من شيء آخر؟',
  },
  ticketOpened: {
    fr: (ref: string, dues: string) => `Ticket ${ref} ouvert. ${dues}`,
    en: (ref: string, dues: string) => `Ticket ${ref} opened. ${dues}`,
    ar: (ref: string, dues: string) => `تم فتح التذكرة ${ref}. ${dues}`,
  },
  due: {
    fr: {
      firstResponse: 'Première réponse au plus tard',
      resolution: 'Résolution au plus tard',
      intervention: 'Prise en charge au plus tard',
      none: 'sans délai',
    },
    en: {
      firstResponse: 'First response by',
      resolution: 'Resolution by',
      intervention: 'Intervention by',
      none: 'no time target',
    },
    ar: {
      firstResponse: 'الرد الأول قبل',
      resolution: 'الحل قبل',
      intervention: 'بدء المعالجة قبل',
      none: 'بدون مهلة',
    },
  },
  clocksFrom: {
    fr: (at: string) => `Les délais courent depuis ${at} (24 heures avant maintenant au plus).`,
    en: (at: string) => `The clocks run from ${at} (24 hours back at most).`,
    ar: (at: string) => `تُحسب المهل ابتداءً من ${at} (24 ساعة كحد أقصى).`,
  },
  ticketFailed: {
    fr: (why: string) => `Je n’ai pas pu ouvrir le ticket : ${why}`,
    en: (why: string) => `I could not open the ticket: ${why}`,
    ar: (why: string) => `تعذّر فتح التذكرة: ${why}`,
  },
  status: {
    fr: (ref: string, status: string, subject: string) =>
      `Ticket ${ref} (« ${subject} ») : statut ${status}.`,
    en: (ref: string, status: string, subject: string) => `Ticket ${ref} (“${subject}”): status ${status}.`,
    ar: (ref: string, status: string, subject: string) => `التذكرة ${ref} («${subject}»): الحالة ${status}.`,
  },
  statusUnknown: {
    fr: 'Je ne trouve pas ce ticket. Donnez son numéro (8 caractères, par ex. 1a2b3c4d).',
    en: 'I cannot find that ticket. Give its number (8 characters, e.g. 1a2b3c4d).',
    ar: 'لم أجد هذه التذكرة. أرسل رقمها (8 رموز، مثل 1a2b3c4d).',
  },
  agentOnly: {
    fr: 'Un agent vous répond dans cette conversation.',
    en: 'An agent is answering you in this chat.',
    ar: 'يجيبك أحد الموظفين في هذه المحادثة.',
  },
} as const;

/** The short number of a ticket the bot gives out (and understands back): the first 8 characters of its id. */
export function shortRef(ticketId: string): string {
  return ticketId.slice(0, 8);
}
