import type { SlaPolicy, SlaTargetRule } from '../policy.schema.ts';

const EXTENDED_DAY: Array<[string, string]> = [['07:00', '22:00']];

/** The GTI table of §3, as one entry per plan × priorities (categories and contract are added below). */
const GTI_TABLE: Omit<SlaTargetRule, 'metric' | 'categories' | 'maintenanceContract'>[] = [
  {
    plans: ['start'],
    priorities: ['P1', 'P2'],
    duration: 'PT48H',
    calendar: 'be-business',
    note: 'Start: GTI < 48 business hours',
  },
  {
    plans: ['classique'],
    priorities: ['P1', 'P2'],
    duration: 'PT24H',
    calendar: 'be-business',
    note: 'Classique: GTI < 24 business hours',
  },
  {
    plans: ['pro'],
    priorities: ['P1'],
    duration: 'PT4H',
    calendar: 'be-business',
    note: 'Pro: GTI < 4 business hours, for blocking incidents (§3)',
  },
  {
    plans: ['sur-mesure'],
    priorities: ['P1'],
    duration: 'PT2H',
    calendar: 'sur-mesure-extended',
    note: 'Sur Mesure: GTI < 2 hours of the contract’s extended hours, for blocking incidents (§3)',
  },
  {
    plans: ['pro', 'sur-mesure'],
    priorities: ['P2'],
    duration: 'PT24H',
    calendar: 'be-business',
    note: 'The fast targets aim at blocking incidents (§3): a non-blocking P2 gets the Classique GTI (< 24 business hours), still in the priority queue',
  },
  {
    plans: '*',
    priorities: ['P3'],
    duration: 'PT48H',
    calendar: 'be-business',
    queue: 'standard',
    note: 'P3 follows the standard schedule whatever the plan (§3): the Start GTI (< 48 business hours) in the standard queue',
  },
];

/** The GTI: "le début de son analyse par notre équipe technique … l'assurance d'un diagnostic en cours" (§1). */
const GTI_DEFINITION =
  "GTI = « Délai maximum s'écoulant entre la notification de l'incident par le Client et le début de son analyse par notre équipe technique » (§1)";

/**
 * §5: "Ces SLA concernent la disponibilité de l'infrastructure d'hébergement"; a bug applicatif "relève de la
 * Maintenance Applicative". The agreement gives the maintenance contract no GTI of its own, so we apply the plan's
 * GTI to application tickets of clients holding one (our choice, to be replaced by the contract's figures); without a
 * contract an application ticket has no GTI and is billed.
 */
const GTI_RULES: SlaTargetRule[] = [
  ...GTI_TABLE.map((rule): SlaTargetRule => ({
    ...rule,
    metric: 'intervention',
    categories: ['hosting'],
    maintenanceContract: '*',
    note: `${rule.note}. ${GTI_DEFINITION}`,
  })),
  ...GTI_TABLE.map((rule): SlaTargetRule => ({
    ...rule,
    metric: 'intervention',
    categories: ['application'],
    maintenanceContract: true,
    note: `${rule.note}. Application bug: « L'intervention relève de la Maintenance Applicative » (§5); the seed gives the maintenance contract no GTI, so the plan's own GTI applies as the maintenance contract's target until the contract states its own`,
  })),
  {
    plans: '*',
    priorities: '*',
    metric: 'intervention',
    categories: ['application'],
    maintenanceContract: false,
    duration: null,
    calendar: 'be-business',
    note: "No GTI: « Ces SLA concernent la disponibilité de l'infrastructure d'hébergement »; a bug applicatif « relève de la Maintenance Applicative » and, without a maintenance contract, « fera l'objet d'un devis ou d'une facturation en régie au tarif en vigueur » (§5): billable, quote or time-and-materials",
  },
];

/**
 * The Belgian web host's agreement (seed 000) as data. It only sets GTI targets ("délai de prise en
 * charge": a qualified agent starts the analysis); it promises no resolution time, so `resolution`
 * is tracked without a target.
 */
export const HOSTING_BE_POLICY = {
  id: 'hosting-be',
  name: 'Hébergement & Support — SLA',
  version: 1,
  effectiveFrom: '2026-09-01',
  // The agreement states no review period; a yearly review is the usual practice for hosting terms.
  reviewEveryMonths: 12,
  reviewDate: '2027-09-01',
  timeZone: 'Europe/Brussels',
  calendars: {
    // An example of a contract's extended hours, kept under the slot's key so a contract can start from it. It is
    // never applied by itself: `sur-mesure-extended` is a contract calendar (below), so a clock on it needs the
    // contract's own calendar (calendarOverrides / `accord sla due --calendar FILE`) or fails.
    'sur-mesure-extended': {
      name: 'Sur Mesure extended hours (example only: each contract sets its own)',
      timeZone: 'Europe/Brussels',
      week: {
        mon: EXTENDED_DAY,
        tue: EXTENDED_DAY,
        wed: EXTENDED_DAY,
        thu: EXTENDED_DAY,
        fri: EXTENDED_DAY,
        sat: EXTENDED_DAY,
      },
      holidays: [{ country: 'BE' }],
      closed: [],
      special: {},
      businessDay: 'PT15H',
    },
  },
  // « Pour l'offre Sur Mesure, les horaires étendus sont définis spécifiquement dans le contrat particulier » (§2).
  contractCalendars: ['sur-mesure-extended'],
  metrics: ['intervention', 'resolution'],
  priorities: [
    {
      id: 'P1',
      label: { fr: 'Critique', en: 'Critical' },
      description: {
        fr: 'Service totalement inaccessible (site down) ou fonctionnalité vitale inopérante.',
        en: 'Service completely unavailable (site down) or a vital feature not working.',
      },
      examples: {
        fr: ['Site inaccessible', 'Erreur serveur 500', "Panier d'achat bloqué"],
        en: ['Site down', 'Server error 500', 'Shopping cart blocked'],
      },
      blocking: true,
    },
    {
      id: 'P2',
      label: { fr: 'Élevée', en: 'High' },
      description: {
        fr: "Dégradation forte des performances ou dysfonctionnement majeur n'empêchant pas l'accès global.",
        en: 'Severe performance degradation or a major malfunction that does not prevent overall access.',
      },
      examples: {
        fr: ['Formulaire de contact HS', 'Lenteur sévère'],
        en: ['Contact form down', 'Severe slowness'],
      },
      blocking: false,
    },
    {
      id: 'P3',
      label: { fr: 'Moyenne/Basse', en: 'Medium/Low' },
      description: {
        fr: "Bug mineur, défaut d'affichage, demande de modification esthétique ou question d'utilisation. Traitée selon le planning standard, quelle que soit l'offre.",
        en: 'Minor bug, display defect, cosmetic change request or usage question. Handled on the standard schedule whatever the plan.',
      },
      examples: {
        fr: ['Bug mineur', "Défaut d'affichage", 'Modification esthétique', "Question d'utilisation"],
        en: ['Minor bug', 'Display defect', 'Cosmetic change', 'Usage question'],
      },
      blocking: false,
    },
  ],
  plans: [
    {
      id: 'start',
      name: { fr: 'Start', en: 'Start' },
      serviceLevel: { fr: 'Standard', en: 'Standard' },
      queue: 'standard',
      // The plan table lists "Ticket" only for Start (§4 mentions email for Start & Classique together).
      channels: [{ channel: 'ticket', calendar: 'always-open', priorities: '*' }],
    },
    {
      id: 'classique',
      name: { fr: 'Classique', en: 'Classic' },
      serviceLevel: { fr: 'Rapide', en: 'Fast' },
      queue: 'standard',
      channels: [
        { channel: 'ticket', calendar: 'always-open', priorities: '*' },
        { channel: 'email', calendar: 'always-open', priorities: '*' },
      ],
    },
    {
      id: 'pro',
      name: { fr: 'Pro', en: 'Pro' },
      serviceLevel: { fr: 'Prioritaire', en: 'Priority' },
      queue: 'priority',
      channels: [
        { channel: 'ticket', calendar: 'always-open', priorities: '*' },
        { channel: 'email', calendar: 'always-open', priorities: '*' },
        {
          channel: 'phone',
          calendar: 'be-business',
          priorities: ['P1'],
          note: 'Priority phone access during business hours, to report a critical incident (§4)',
        },
      ],
    },
    {
      id: 'sur-mesure',
      name: { fr: 'Sur Mesure', en: 'Custom' },
      serviceLevel: { fr: 'Critique/VIP', en: 'Critical/VIP' },
      queue: 'priority',
      channels: [
        { channel: 'ticket', calendar: 'always-open', priorities: '*' },
        { channel: 'email', calendar: 'always-open', priorities: '*' },
        {
          channel: 'direct-line',
          calendar: 'sur-mesure-extended',
          priorities: '*',
          note: 'Direct line during the contract’s extended hours',
        },
      ],
    },
  ],
  queues: {
    standard: {
      order: 'fifo',
      startsNextBusinessDay: true,
      calendar: 'be-business',
      description: {
        fr: "Traité à partir du jour ouvrable suivant selon l'ordre d'arrivée.",
        en: 'Handled from the next business day, in order of arrival.',
      },
    },
    priority: {
      order: 'priority',
      startsNextBusinessDay: false,
      calendar: 'be-business',
      description: {
        fr: "Traité en priorité sur la file d'attente standard.",
        en: 'Served before the standard queue.',
      },
    },
  },
  targets: [
    ...GTI_RULES,
    {
      plans: '*',
      priorities: '*',
      metric: 'resolution',
      categories: '*',
      maintenanceContract: '*',
      duration: null,
      calendar: 'be-business',
      note: 'The agreement sets no resolution time: the GTI guarantees the start of the analysis, not a fix (§1)',
    },
  ],
  billing: {
    coveredCategories: ['hosting'],
    maintenanceContractCovers: ['application'],
    // "Devis ou facturation en régie au tarif en vigueur": a quote unless the contract chooses time-and-materials.
    otherwise: { mode: 'quote', hourlyRate: null },
  },
  pauseStatuses: ['pending-customer'],
  // The GTI runs to the start of the analysis, which waits on no one: « le début de son analyse par notre équipe
  // technique » (§1). A question to the client does not stop or pause it; only resolution pauses while we wait.
  metricPauseStatuses: { intervention: [] },
  warningThresholds: [75, 90],
  // Escalations are the desk's own practice (the agreement sets targets, not who is told): a P1 — « un incident
  // bloquant » that the Pro and Sur Mesure GTIs are written for — reaches every agent at once; 75 % tells the
  // assignee (or, unassigned, the agents), 90 % the assignee and the admins; a breach the assignee and the admins.
  escalations: [
    { at: 'created', priorities: ['P1'], notify: ['agents'], note: 'incident bloquant: every agent at once' },
    { at: 75, notify: ['assignee'] },
    { at: 90, notify: ['assignee', 'admins'] },
    { at: 'breach', notify: ['assignee', 'admins'] },
  ],
} satisfies SlaPolicy;
