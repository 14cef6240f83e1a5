import type { SlaPolicyInput } from '../policy.schema.ts';

const EXTENDED_DAY: Array<[string, string]> = [['07:00', '22:00']];

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
  timeZone: 'Europe/Brussels',
  calendars: {
    // "Les horaires étendus sont définis spécifiquement dans le contrat particulier": a placeholder that
    // each Sur Mesure contract replaces through calendarOverrides / `accord sla due --calendar FILE`.
    'sur-mesure-extended': {
      name: 'Sur Mesure extended hours (placeholder, set per contract)',
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
      businessDay: 'PT15H',
    },
  },
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
    },
  ],
  plans: [
    {
      id: 'start',
      name: { fr: 'Start', en: 'Start' },
      serviceLevel: { fr: 'Standard', en: 'Standard' },
      queue: 'standard',
      // The plan table lists "Ticket" only for Start (§4 mentions email for Start & Classique together).
      channels: [{ channel: 'ticket', calendar: 'always-open' }],
    },
    {
      id: 'classique',
      name: { fr: 'Classique', en: 'Classic' },
      serviceLevel: { fr: 'Rapide', en: 'Fast' },
      queue: 'standard',
      channels: [
        { channel: 'ticket', calendar: 'always-open' },
        { channel: 'email', calendar: 'always-open' },
      ],
    },
    {
      id: 'pro',
      name: { fr: 'Pro', en: 'Pro' },
      serviceLevel: { fr: 'Prioritaire', en: 'Priority' },
      queue: 'priority',
      channels: [
        { channel: 'ticket', calendar: 'always-open' },
        { channel: 'email', calendar: 'always-open' },
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
        { channel: 'ticket', calendar: 'always-open' },
        { channel: 'email', calendar: 'always-open' },
        {
          channel: 'direct-line',
          calendar: 'sur-mesure-extended',
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
    {
      plans: ['start'],
      priorities: ['P1', 'P2'],
      metric: 'intervention',
      duration: 'PT48H',
      calendar: 'be-business',
      note: 'Start: GTI < 48 business hours',
    },
    {
      plans: ['classique'],
      priorities: ['P1', 'P2'],
      metric: 'intervention',
      duration: 'PT24H',
      calendar: 'be-business',
      note: 'Classique: GTI < 24 business hours',
    },
    {
      plans: ['pro'],
      priorities: ['P1'],
      metric: 'intervention',
      duration: 'PT4H',
      calendar: 'be-business',
      note: 'Pro: GTI < 4 business hours, for blocking incidents (§3)',
    },
    {
      plans: ['sur-mesure'],
      priorities: ['P1'],
      metric: 'intervention',
      duration: 'PT2H',
      calendar: 'sur-mesure-extended',
      note: 'Sur Mesure: GTI < 2 hours of the contract’s extended hours, for blocking incidents (§3)',
    },
    {
      plans: ['pro', 'sur-mesure'],
      priorities: ['P2'],
      metric: 'intervention',
      duration: 'PT24H',
      calendar: 'be-business',
      note: 'The fast targets aim at blocking incidents (§3): a non-blocking P2 gets the Classique GTI (< 24 business hours), still in the priority queue',
    },
    {
      plans: '*',
      priorities: ['P3'],
      metric: 'intervention',
      duration: 'PT48H',
      calendar: 'be-business',
      queue: 'standard',
      note: 'P3 follows the standard schedule whatever the plan (§3): the Start GTI (< 48 business hours) in the standard queue',
    },
    {
      plans: '*',
      priorities: '*',
      metric: 'resolution',
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
  warningThresholds: [75, 90],
} satisfies SlaPolicyInput;
