import type { Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import type { HelpLanguage } from './help-core.ts';
import { createHelpRepository } from './help.repository.ts';
import { articleRow } from './help.dto.ts';
import { slugify } from './help-core.ts';

/**
 * The articles a new workspace's help centre opens with, drawn from its preset's agreement (the seeds in
 * /work/shared/seeds, quoted where the wording matters). Each group is one article in several languages: the first
 * is the original, the others are its translations. Staff edit or delete them like any other.
 */
interface StarterArticle {
  readonly category: string;
  readonly tags: readonly string[];
  readonly title: string;
  readonly body: string;
}
type StarterGroup = Partial<Record<HelpLanguage, StarterArticle>>;

const CONSULTING: readonly StarterGroup[] = [
  {
    fr: {
      category: 'Support',
      tags: ['priorité', 'délais'],
      title: 'Niveaux de priorité et délais de réponse',
      body: `Chaque demande d’assistance reçoit une priorité, qui fixe nos délais (en heures ouvrables : du dimanche au jeudi, 9h00–18h00, heure d’Arabie Saoudite).

| Priorité | Exemples | Réponse | Résolution |
| --- | --- | --- | --- |
| **Critique (P1)** | Arrêt complet de la plateforme ou échec du paiement | 1 heure | 4 heures |
| **Élevée (P2)** | Dysfonctionnement dans l’envoi ou la réception des demandes | 4 heures | 1 jour ouvrable |
| **Moyenne (P3)** | Problèmes d’interface ou lenteur des performances | 1 jour ouvrable | 3 jours ouvrables |
| **Faible (P4)** | Demandes d’amélioration ou questions générales | 2 jours ouvrables | Selon le plan de développement |`,
    },
    en: {
      category: 'Support',
      tags: ['priority', 'response times'],
      title: 'Priority levels and response times',
      body: `Every support request gets a priority, which sets our targets (in business hours: Sunday to Thursday, 09:00–18:00 Saudi time).

| Priority | Examples | Response | Resolution |
| --- | --- | --- | --- |
| **Critical (P1)** | The platform is completely down, or payment fails | 1 hour | 4 hours |
| **High (P2)** | Requests are not sent or received properly | 4 hours | 1 business day |
| **Medium (P3)** | Interface problems or slow performance | 1 business day | 3 business days |
| **Low (P4)** | Improvement requests or general questions | 2 business days | Per the development roadmap |`,
    },
    ar: {
      category: 'الدعم',
      tags: ['الأولوية'],
      title: 'مستويات الأولوية ومهل الاستجابة',
      body: `تحصل كل طلب دعم على أولوية تحدد مهلنا (بساعات العمل: من الأحد إلى الخميس، 9:00–18:00 بتوقيت السعودية).

- **حرجة (P1)**: توقف المنصة بالكامل أو فشل الدفع. الاستجابة خلال ساعة، والحل خلال 4 ساعات.
- **عالية (P2)**: خلل في إرسال الطلبات أو استلامها. الاستجابة خلال 4 ساعات، والحل خلال يوم عمل.
- **متوسطة (P3)**: مشاكل في الواجهة أو بطء في الأداء. الاستجابة خلال يوم عمل، والحل خلال 3 أيام عمل.
- **منخفضة (P4)**: طلبات تحسين أو أسئلة عامة. الاستجابة خلال يومي عمل، والحل حسب خطة التطوير.`,
    },
  },
  {
    fr: {
      category: 'Support',
      tags: ['contact', 'chat', 'horaires'],
      title: 'Comment contacter le support',
      body: `Plusieurs canaux sont à votre disposition :

- **Tableau de bord de la plateforme** : ouvrez un ticket à tout moment.
- **Chat en direct** : disponible sur la plateforme. Support humain du dimanche au jeudi, de 9h00 à 18h00 (heure d’Arabie Saoudite).
- **Chatbot** : support automatisé disponible 24/7 ; il peut ouvrir un ticket pour vous.
- **Centre d’aide** : base de connaissances disponible 24/7.`,
    },
    en: {
      category: 'Support',
      tags: ['contact', 'chat', 'hours'],
      title: 'How to reach support',
      body: `Several channels are open to you:

- **Platform dashboard**: open a ticket at any time.
- **Live chat**: available on the platform. Human support Sunday to Thursday, 09:00 to 18:00 (Saudi time).
- **Chatbot**: automated support, available 24/7; it can open a ticket for you.
- **Help centre**: knowledge base available 24/7.`,
    },
    ar: {
      category: 'الدعم',
      tags: ['تواصل', 'محادثة', 'ساعات'],
      title: 'كيف تتواصل مع الدعم الفني',
      body: `تتوفر لك عدة قنوات:

- **لوحة تحكم المنصة**: افتح تذكرة في أي وقت.
- **المحادثة المباشرة**: متاحة على المنصة. الدعم البشري من الأحد إلى الخميس، من الساعة 9:00 إلى 18:00 (بتوقيت السعودية).
- **المساعد الآلي (الشات بوت)**: دعم آلي متاح على مدار الساعة، ويمكنه فتح تذكرة لك.
- **مركز المساعدة**: قاعدة معرفة متاحة على مدار الساعة.`,
    },
  },
  {
    fr: {
      category: 'Facturation',
      tags: ['paiement'],
      title: 'Paiement échoué : que faire ?',
      body: `Un échec du paiement est un incident **critique (P1)** : nous y répondons dans l’heure ouvrable.

1. Vérifiez la carte utilisée (date d’expiration, plafond, authentification de la banque).
2. Réessayez une fois ; ne multipliez pas les tentatives.
3. Si le paiement échoue encore, ouvrez un ticket en priorité P1 (ou demandez-le au chatbot) en indiquant l’heure de la tentative.`,
    },
    en: {
      category: 'Billing',
      tags: ['payment'],
      title: 'Payment failed: what to do',
      body: `A failed payment is a **critical (P1)** incident: we respond within one business hour.

1. Check the card you used (expiry date, limit, your bank's authentication).
2. Try once more; do not retry many times.
3. If the payment still fails, open a P1 ticket (or ask the chatbot) with the time of the attempt.`,
    },
    ar: {
      category: 'الفواتير',
      tags: ['الدفع'],
      title: 'فشل الدفع: ماذا أفعل؟',
      body: `فشل الدفع حادث **حرج (P1)**: نستجيب له خلال ساعة عمل.

1. تحقق من البطاقة المستخدمة (تاريخ الانتهاء، الحد، تحقق البنك).
2. أعد المحاولة مرة واحدة فقط.
3. إذا استمر فشل الدفع، افتح تذكرة بأولوية P1 (أو اطلب ذلك من المساعد الآلي) مع ذكر وقت المحاولة.`,
    },
  },
  {
    fr: {
      category: 'Plateforme',
      tags: ['disponibilité', 'maintenance'],
      title: 'Disponibilité de la plateforme et maintenance programmée',
      body: `Nous assurons une disponibilité mensuelle de **99 %, hors maintenance programmée**.

Ne sont pas couverts : les cas de force majeure, les problèmes de connexion Internet du côté du client ou du consultant, et la mauvaise utilisation de la plateforme ou la violation des conditions d’utilisation. L’accord est révisé tous les 6 mois.`,
    },
    en: {
      category: 'Platform',
      tags: ['availability', 'maintenance'],
      title: 'Platform availability and scheduled maintenance',
      body: `We ensure **99% monthly availability, excluding scheduled maintenance**.

Not covered: force majeure, Internet connection problems on the client's or the consultant's side, and misuse of the platform or breach of the terms of use. The agreement is reviewed every 6 months.`,
    },
    ar: {
      category: 'المنصة',
      tags: ['التوفر', 'الصيانة'],
      title: 'توفر المنصة والصيانة المجدولة',
      body: `نضمن توفراً شهرياً بنسبة **99% باستثناء الصيانة المجدولة**.

لا يشمل ذلك: القوة القاهرة، ومشاكل اتصال الإنترنت لدى العميل أو المستشار، وسوء استخدام المنصة أو مخالفة شروط الاستخدام. تتم مراجعة الاتفاقية كل 6 أشهر.`,
    },
  },
];

const HOSTING: readonly StarterGroup[] = [
  {
    fr: {
      category: 'Support',
      tags: ['priorité', 'gti'],
      title: 'Priorités et délai de prise en charge (GTI)',
      body: `La GTI (Garantie de Temps d’Intervention) est le « délai maximum s’écoulant entre la notification de l’incident par le Client et le début de son analyse par notre équipe technique ». Elle se compte en heures ouvrables : du lundi au vendredi, de 08h30 à 17h30, hors jours fériés en Belgique.

| Offre | Start | Classique | Pro | Sur Mesure |
| --- | --- | --- | --- | --- |
| GTI | < 48 h ouvrables | < 24 h ouvrables | < 4 h ouvrables | < 2 h (horaires étendus du contrat) |

- **Critique (Priorité 1)** : service totalement inaccessible (site down) ou fonctionnalité vitale inopérante (ex : panier d’achat bloqué).
- **Élevée (Priorité 2)** : dégradation forte des performances ou dysfonctionnement majeur (ex : formulaire de contact HS, lenteur sévère).
- **Moyenne/Basse (Priorité 3)** : bug mineur, défaut d’affichage, modification esthétique ou question d’utilisation — traitée selon le planning standard, quelle que soit l’offre.`,
    },
    en: {
      category: 'Support',
      tags: ['priority', 'gti'],
      title: 'Priorities and time to intervention (GTI)',
      body: `The GTI (guaranteed time to intervention) is the maximum time between your report of an incident and the start of its analysis by our technical team. It counts business hours: Monday to Friday, 08:30 to 17:30, Belgian public holidays excluded.

| Plan | Start | Classique | Pro | Sur Mesure |
| --- | --- | --- | --- | --- |
| GTI | < 48 business hours | < 24 business hours | < 4 business hours | < 2 h (the contract's extended hours) |

- **Critical (Priority 1)**: the service is completely unreachable (site down) or a vital feature is broken (e.g. checkout blocked).
- **High (Priority 2)**: heavily degraded performance or a major malfunction (e.g. contact form broken, severe slowness).
- **Medium/Low (Priority 3)**: minor bug, display defect, cosmetic change or usage question — handled on the standard schedule whatever the plan.`,
    },
  },
  {
    fr: {
      category: 'Support',
      tags: ['contact', 'téléphone', 'email'],
      title: 'Comment joindre le support selon votre offre',
      body: `- **Start** : ticket uniquement. **Classique** : ticket ou e-mail. Le support s’effectue exclusivement par voie électronique ; tout incident signalé est traité à partir du jour ouvrable suivant selon l’ordre d’arrivée.
- **Pro** : ticket, e-mail et accès téléphonique prioritaire durant les heures ouvrables pour signaler un incident critique, traité en priorité sur la file d’attente standard.
- **Sur Mesure** : ligne directe, aux horaires étendus définis dans votre contrat.`,
    },
    en: {
      category: 'Support',
      tags: ['contact', 'phone', 'email'],
      title: 'How to reach support on your plan',
      body: `- **Start**: tickets only. **Classique**: ticket or e-mail. Support is electronic only; every incident reported is handled from the next business day, in order of arrival.
- **Pro**: ticket, e-mail, and priority phone access during business hours to report a critical incident, handled ahead of the standard queue.
- **Sur Mesure**: a direct line, during the extended hours set in your contract.`,
    },
  },
  {
    fr: {
      category: 'Facturation',
      tags: ['maintenance', 'devis', 'régie'],
      title: 'Hébergement ou maintenance applicative : ce qui est facturé',
      body: `Nos SLA concernent la disponibilité de l’infrastructure d’hébergement.

- Une **panne serveur, réseau ou matérielle** est incluse dans le support hébergement.
- Un incident causé par un **bug applicatif** (plugin défectueux, erreur de code suite à une modification du client, piratage dû à des failles non patchées) relève de la **maintenance applicative** :
  - sans contrat de maintenance séparé, l’intervention fait l’objet d’un **devis** ou d’une **facturation en régie** au tarif en vigueur ;
  - sous contrat de maintenance, elle est couverte selon les termes de ce contrat.`,
    },
    en: {
      category: 'Billing',
      tags: ['maintenance', 'quote', 'time and materials'],
      title: 'Hosting or application maintenance: what is billed',
      body: `Our SLAs cover the availability of the hosting infrastructure.

- A **server, network or hardware failure** is included in hosting support.
- An incident caused by an **application bug** (faulty plugin, code error after a change by the client, hacking through unpatched security holes) falls under **application maintenance**:
  - without a separate maintenance contract, the work is **quoted** or **billed for the time spent** at the current rate;
  - under a maintenance contract, it is covered by that contract's terms.`,
    },
  },
];

const STARTERS: Readonly<Record<string, readonly StarterGroup[]>> = {
  'consulting-sa': CONSULTING,
  'hosting-be': HOSTING,
};

/** Writes the preset's starter articles, published, in the caller's transaction (workspace creation). */
export async function seedStarterArticles(
  trx: Db,
  input: { workspaceId: string; preset: string; nowMs: number },
): Promise<void> {
  const repo = createHelpRepository(trx);
  const slugs = new Set<string>();
  for (const group of STARTERS[input.preset] ?? []) {
    let originalId: string | null = null;
    for (const [language, article] of Object.entries(group) as [HelpLanguage, StarterArticle][]) {
      const id = newId();
      let slug = slugify(article.title);
      if (slugs.has(slug)) slug = `${slug}-${language}`;
      slugs.add(slug);
      const row = articleRow({
        id,
        workspaceId: input.workspaceId,
        slug,
        article: {
          ...article,
          tags: [...article.tags],
          language,
          state: 'published',
          translationOf: originalId,
        },
        authorId: null,
        nowMs: input.nowMs,
      });
      await repo.insert(trx, row);
      originalId ??= id;
    }
  }
}
