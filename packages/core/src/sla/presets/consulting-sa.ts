import type { SlaPolicy } from '../policy.schema.ts';

/**
 * The Saudi consultation platform's agreement (seed 004), technical-support part, as data: one client
 * tier, response and resolution targets per priority on Saudi business hours.
 */
export const CONSULTING_SA_POLICY = {
  id: 'consulting-sa',
  name: 'Consultation platform — SLA',
  version: 1,
  effectiveFrom: '2026-09-01',
  // "Cet accord est révisé tous les 6 mois".
  reviewEveryMonths: 6,
  reviewDate: '2027-03-01',
  timeZone: 'Asia/Riyadh',
  calendars: {},
  contractCalendars: [],
  metrics: ['firstResponse', 'resolution'],
  priorities: [
    {
      id: 'P1',
      label: { fr: 'Critique', en: 'Critical', ar: 'حرجة' },
      description: {
        fr: 'Arrêt complet de la plateforme ou échec du paiement.',
        en: 'The platform is completely down, or payment fails.',
        ar: 'توقف المنصة بالكامل أو فشل الدفع.',
      },
      examples: {
        fr: ['La plateforme ne répond plus', 'Le paiement échoue'],
        en: ['The platform does not respond', 'Payment fails'],
        ar: ['المنصة لا تستجيب', 'فشل الدفع'],
      },
      blocking: true,
    },
    {
      id: 'P2',
      label: { fr: 'Élevée', en: 'High', ar: 'عالية' },
      description: {
        fr: 'Dysfonctionnement dans l’envoi ou la réception des demandes.',
        en: 'Requests are not sent or received properly.',
        ar: 'خلل في إرسال الطلبات أو استلامها.',
      },
      examples: {
        fr: ['Une demande de consultation n’arrive pas au consultant', 'Notification de demande non reçue'],
        en: ['A consultation request does not reach the consultant', 'Request notification not received'],
        ar: ['طلب الاستشارة لا يصل إلى المستشار', 'لم يصل إشعار الطلب'],
      },
      blocking: false,
    },
    {
      id: 'P3',
      label: { fr: 'Moyenne', en: 'Medium', ar: 'متوسطة' },
      description: {
        fr: 'Problèmes d’interface ou lenteur des performances.',
        en: 'Interface problems or slow performance.',
        ar: 'مشكلات في الواجهة أو بطء في الأداء.',
      },
      examples: {
        fr: ['Affichage incorrect', 'Pages lentes'],
        en: ['Display problem', 'Slow pages'],
        ar: ['عرض غير صحيح', 'صفحات بطيئة'],
      },
      blocking: false,
    },
    {
      id: 'P4',
      label: { fr: 'Faible', en: 'Low', ar: 'منخفضة' },
      description: {
        fr: 'Demandes d’amélioration ou questions générales.',
        en: 'Improvement requests or general questions.',
        ar: 'طلبات تحسين أو أسئلة عامة.',
      },
      examples: {
        fr: ['Suggestion de fonctionnalité', 'Question générale'],
        en: ['Feature suggestion', 'General question'],
        ar: ['اقتراح ميزة', 'سؤال عام'],
      },
      blocking: false,
    },
  ],
  plans: [
    {
      id: 'standard',
      name: { fr: 'Clients et consultants', en: 'Clients and consultants' },
      queue: 'standard',
      channels: [
        { channel: 'ticket', calendar: 'always-open', priorities: '*', note: 'Platform dashboard' },
        {
          channel: 'chat',
          calendar: 'sa-business',
          priorities: '*',
          note: 'Live chat with human support, Sunday to Thursday 09:00–18:00 (Saudi time)',
        },
        { channel: 'chatbot', calendar: 'always-open', priorities: '*', note: 'Automated support, 24/7' },
      ],
    },
  ],
  queues: {
    standard: { order: 'priority', startsNextBusinessDay: false, calendar: 'sa-business' },
  },
  targets: [
    {
      plans: '*',
      priorities: ['P1'],
      metric: 'firstResponse',
      categories: '*',
      maintenanceContract: '*',
      duration: 'PT1H',
      calendar: 'sa-business',
    },
    {
      plans: '*',
      priorities: ['P1'],
      metric: 'resolution',
      categories: '*',
      maintenanceContract: '*',
      duration: 'PT4H',
      calendar: 'sa-business',
    },
    {
      plans: '*',
      priorities: ['P2'],
      metric: 'firstResponse',
      categories: '*',
      maintenanceContract: '*',
      duration: 'PT4H',
      calendar: 'sa-business',
    },
    {
      plans: '*',
      priorities: ['P2'],
      categories: '*',
      maintenanceContract: '*',
      metric: 'resolution',
      duration: 'P1D',
      calendar: 'sa-business',
      note: 'One business day',
    },
    {
      plans: '*',
      priorities: ['P3'],
      categories: '*',
      maintenanceContract: '*',
      metric: 'firstResponse',
      duration: 'P1D',
      calendar: 'sa-business',
      note: 'One business day',
    },
    {
      plans: '*',
      priorities: ['P3'],
      categories: '*',
      maintenanceContract: '*',
      metric: 'resolution',
      duration: 'P3D',
      calendar: 'sa-business',
      note: 'Three business days',
    },
    {
      plans: '*',
      priorities: ['P4'],
      categories: '*',
      maintenanceContract: '*',
      metric: 'firstResponse',
      duration: 'P2D',
      calendar: 'sa-business',
      note: 'Two business days',
    },
    {
      plans: '*',
      priorities: ['P4'],
      categories: '*',
      maintenanceContract: '*',
      metric: 'resolution',
      duration: null,
      calendar: 'sa-business',
      note: 'Per the development roadmap: no time target',
    },
  ],
  billing: {
    // The platform's support covers every request; nothing is billed separately.
    coveredCategories: ['hosting', 'application'],
    maintenanceContractCovers: [],
    otherwise: { mode: 'quote', hourlyRate: null },
  },
  pauseStatuses: ['pending-customer'],
  metricPauseStatuses: {},
  warningThresholds: [75, 90],
  // Escalations (the desk's practice): "Critique (P1) : Arrêt complet de la plateforme ou échec du paiement" reaches
  // every agent at once and, answered within "une heure", warns the admins at 90 %; a breach tells the assignee and
  // the admins, whose 99 % monthly commitment it puts at risk.
  escalations: [
    { at: 'created', priorities: ['P1'], notify: ['agents'], note: 'arrêt complet ou échec du paiement' },
    { at: 75, notify: ['assignee'] },
    { at: 90, notify: ['assignee', 'admins'] },
    { at: 'breach', notify: ['assignee', 'admins'] },
  ],
  // "Gestion des demandes de consultation": "accepter ou refuser la demande dans un délai de 4 heures ouvrables";
  // "En l'absence de réponse, la demande est renvoyée au système de prise en charge" (the board); "contacter le
  // client dans un délai de 24 heures ouvrables" (24 h of open time, not one business day). Human support hours.
  consultations: {
    acceptWithin: 'PT4H',
    contactWithin: 'PT24H',
    calendar: 'sa-business',
    onExpiry: 'board',
    warningThresholds: [75],
  },
} satisfies SlaPolicy;
