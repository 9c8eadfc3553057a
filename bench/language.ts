// Language detection on social text: Earshot's detector beside franc, tinyld and eld, in one run.
// What matters most: an English post called another language loses its sentiment, so the share of
// English texts called something else is the first column. Texts in other languages are this
// file's own, written for the purpose (the labelled sets are all English).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eld } from 'eld';
import { franc } from 'franc';
import { detect as tinyld } from 'tinyld';
import { detectLanguage } from '../src/analysis/language.ts';

const DATA = process.env.EARSHOT_BENCH_DATA ?? path.resolve(import.meta.dirname, '../../shared/data');

// ISO 639-3 (franc) to the 639-1 tags sources report.
const ISO3: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  por: 'pt',
  ita: 'it',
  nld: 'nl',
  und: 'und',
};

const OTHERS: Record<string, string[]> = {
  es: [
    'el vuelo llegó tarde otra vez y nadie nos dijo nada',
    'me encanta la nueva app, mucho más rápida que antes',
    'perdieron mi maleta, qué vergüenza de servicio',
    '¿alguien sabe si la tienda abre el domingo?',
    'llevo dos horas esperando y todavía no me atienden',
    'gracias por la ayuda, el equipo fue muy amable',
  ],
  fr: [
    'mon vol a encore été annulé sans aucune explication',
    "j'adore leur nouveau service, vraiment top",
    "ça fait une heure que j'attends au téléphone",
    "quelqu'un sait si le magasin est ouvert demain ?",
    'le colis est arrivé cassé, je suis très déçu',
    "merci à l'équipe pour leur patience aujourd'hui",
  ],
  de: [
    'mein Flug wurde schon wieder gestrichen, unfassbar',
    'der Kundenservice war heute wirklich sehr freundlich',
    'seit zwei Stunden in der Warteschleife, ich gebe auf',
    'weiß jemand, ob die Filiale am Sonntag offen hat?',
    'das Paket kam beschädigt an und niemand antwortet',
    'danke für die schnelle Hilfe, alles funktioniert wieder',
  ],
  pt: [
    'o meu voo atrasou de novo e ninguém explica nada',
    'adorei o novo aplicativo, ficou muito mais rápido',
    'perderam a minha mala, que serviço horrível',
    'alguém sabe se a loja abre no domingo?',
    'estou há duas horas esperando atendimento',
    'obrigado pela ajuda, a equipe foi muito gentil',
  ],
  it: [
    'il mio volo è stato cancellato di nuovo senza spiegazioni',
    'adoro la nuova app, è molto più veloce di prima',
    'hanno perso la mia valigia, che vergogna',
    'qualcuno sa se il negozio è aperto domenica?',
    'sono due ore che aspetto al telefono',
    'grazie per l’aiuto, il personale è stato gentilissimo',
  ],
  nl: [
    'mijn vlucht is alweer geannuleerd zonder uitleg',
    'de nieuwe app is echt veel sneller dan eerst',
    'ze zijn mijn koffer kwijt, wat een slechte service',
    'weet iemand of de winkel zondag open is?',
    'ik hang al twee uur in de wacht',
    'bedankt voor de snelle hulp, alles werkt weer',
  ],
};

type Detector = (text: string) => string;

export async function main(): Promise<void> {
  // The dynamic entry loads its n-gram table on demand; the medium one is its default.
  await (eld as unknown as { load(size: string): Promise<boolean> }).load('medium');
  const detectors: Record<string, Detector> = {
    earshot: (t) => detectLanguage(t),
    franc: (t) => ISO3[franc(t)] ?? franc(t),
    tinyld: (t) => tinyld(t) || 'und',
    eld: (t) => eld.detect(t).language || 'und',
    'earshot, eld when und': (t) => {
      const l = detectLanguage(t);
      return l === 'und' ? eld.detect(t).language || 'und' : l;
    },
    'earshot, reliable eld when und': (t) => {
      const l = detectLanguage(t);
      if (l !== 'und') return l;
      const r = eld.detect(t);
      return r.isReliable() ? r.language : 'und';
    },
  };
  if (!existsSync(DATA)) {
    console.log(`\nlanguage: data absent (${DATA}); set EARSHOT_BENCH_DATA. Nothing measured.`);
    return;
  }
  const english = readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(path.join(DATA, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
  const others = Object.entries(OTHERS).flatMap(([lang, texts]) => texts.map((text) => ({ lang, text })));
  console.log(
    `\nlanguage detection (${english.length.toLocaleString('en')} English texts of ../shared/data; ${others.length} texts in 6 other languages written here)`,
  );
  console.log(
    ['detector', 'English called other %', 'English und %', 'others right %', 'texts/s'].join('\t'),
  );
  for (const [name, d] of Object.entries(detectors)) {
    const t0 = performance.now();
    const got = english.map(d);
    const perSec = english.length / ((performance.now() - t0) / 1000);
    const wrong = got.filter((l) => l !== 'en' && l !== 'und').length;
    const und = got.filter((l) => l === 'und').length;
    const right = others.filter((o) => d(o.text) === o.lang).length;
    console.log(
      [
        name,
        ((wrong / english.length) * 100).toFixed(1),
        ((und / english.length) * 100).toFixed(1),
        ((right / others.length) * 100).toFixed(1),
        Math.round(perSec).toLocaleString('en'),
      ].join('\t'),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
