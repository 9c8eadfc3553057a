import type { SentimentLabel } from '../types.ts';
import type { BrandProfile } from './brands.ts';
import type { Random } from './random.ts';

/**
 * What simulated people write. Every template is checked against Earshot's own sentiment (the
 * simulate tests): a "negative" line that the scorer reads as neutral would make a benchmark
 * measure the scorer instead of the detectors. Slots: {brand}, {handle}, {thing}, {n}, {launch}.
 */
export type Tone = SentimentLabel;

/** Everyday posts, by tone: a core sentence, and openers and tails that make them differ. */
export const EVERYDAY: Record<Tone, readonly string[]> = {
  negative: [
    'my {thing} with {brand} was a nightmare, {n} hours on hold and no help',
    '{handle} still waiting on my refund for the {thing}, {n} weeks now. Terrible service',
    'the {brand} {thing} is broken again and nobody answers. So frustrating',
    'worst experience with {brand} ever, the {thing} was a total mess',
    '{brand} lost my {thing} and customer service just does not care',
    'really disappointed with {brand}, the {thing} failed twice this week',
    '{handle} why is the {thing} always so bad? Awful',
    'charged twice for my {thing} by {brand} and no reply. Unacceptable',
    'never again with {brand}. The {thing} was a disaster',
    'fed up with {brand}, the {thing} is useless and support is rude',
  ],
  neutral: [
    'is the {brand} {thing} available on Sundays?',
    'just booked the {thing} with {brand} for next month',
    '{brand} sent me an email about my {thing}',
    'anyone know how to change the {thing} on the {brand} website?',
    'on the phone with {brand} about the {thing}',
    '{brand} updated the terms for the {thing}',
    'switching my {thing} to {brand} next week',
    'reading the {brand} page about the {thing}',
    '{handle} what time does the {thing} desk open tomorrow?',
    'my {thing} from {brand} arrives on Tuesday',
  ],
  positive: [
    'great {thing} with {brand} today, thanks to the friendly team!',
    '{handle} thank you for sorting out my {thing} so quickly. Brilliant',
    'love the {brand} {thing}, works perfectly every time',
    'shout out to {brand} for the excellent help with my {thing}',
    'really happy with my {thing} from {brand}, great value',
    '{brand} made the {thing} so easy. Impressed!',
    'the {brand} {thing} was perfect, very pleased',
    'kudos {handle}, wonderful service with the {thing}',
    'best {thing} I have had in years, well done {brand}',
    'amazing support from {brand} on my {thing}, thanks!',
  ],
};

/**
 * Everyday complaints with words of a crisis in them, said in passing: a phone that "died", a
 * threat to sue over a refund. One negative post in 25 is one of these: of the negative posts in
 * ../shared/data that Earshot marks with injury, safety, discrimination, legal action or a boycott,
 * reviews have about 1 in 100 and tweets 5 to 8 in 100. Without them, the false alarms of a rule
 * that listens for those markers would not be measured at all.
 */
export const EVERYDAY_ALARMING: readonly string[] = [
  'my {thing} from {brand} died after {n} days. Useless',
  'honestly I should sue {brand} over this {thing}. Ridiculous',
  'getting a lawyer if {brand} does not refund the {thing}. Terrible',
  'hurt my back carrying the {thing} because {brand} would not help. Rude staff',
  'the {brand} {thing} got so hot it felt like a fire hazard. Not happy',
  'thinking of a boycott of {brand} after the {thing} fiasco. Awful',
];
/** The share of everyday negative posts that are one of those (where `everyday` is given `alarm`). */
const ALARMING_SHARE = 0.04;

const OPENERS: Record<Tone, readonly string[]> = {
  negative: ['', '', 'Ugh, ', 'Honestly, ', 'Again: ', 'Seriously, '],
  neutral: ['', '', 'Hm, ', 'So, ', 'Note to self: ', 'Update: '],
  positive: ['', '', 'Wow, ', 'Honestly, ', 'Big thanks: ', 'Nice, '],
};

const TAILS: Record<Tone, readonly string[]> = {
  negative: ['', '', ' 😡', ' #fail', ' Day {n} of this.', ' Not happy.', ' Sort it out.', ' 🙄'],
  neutral: ['', '', ' (ref {n})', ' Tomorrow then.', ' Anyway.', ' #monday', ' We shall see.', ' Hm.'],
  positive: ['', '', ' 😊', ' #happycustomer', ' Five stars.', ' 👏', ' Made my day.', ' Lovely.'],
};

/** The story of an outrage: the post that starts it, and what people say once it spreads. */
export const STORIES: readonly { first: string; echoes: readonly string[] }[] = [
  {
    first:
      '{brand} staff dragged my father off the plane and laughed at him. Disgusting, shameful treatment. Video below',
    echoes: [
      'cannot believe {brand} dragged a paying customer off. Horrible',
      'boycott {brand}. Dragging a passenger off is disgusting',
      '{handle} this video is shameful. Apologise and fire whoever did this',
      'never flying {brand} again after that disgusting video',
      'watched the {brand} video. Sickening, absolutely outrageous',
      'how is {brand} still defending this? Disgusting',
    ],
  },
  {
    first:
      '{brand} leaked my card details and now someone has emptied my account. Terrible, they knew for weeks and said nothing',
    echoes: [
      '{brand} data breach, they hid it for weeks. Disgraceful',
      'my card got stolen too after the {brand} leak. Furious',
      '{handle} how did you lose everyone data? Shameful and dangerous',
      'closing my account, {brand} cannot be trusted after this breach. Awful',
      'the {brand} leak is a scandal, terrible security',
      'so angry at {brand} for hiding the breach',
    ],
  },
  {
    first: 'a {brand} manager called my wife a racist slur and threw us out. Disgusting. Spread the word',
    echoes: [
      'boycott {brand}, racism is disgusting',
      '{handle} fire that manager now. Shameful racist behaviour',
      'horrible story about {brand} going round today. Disgraceful',
      'never giving {brand} my money again after this racist abuse',
      'sickening what {brand} staff did to that family',
      'how is {brand} silent about this? Shameful',
    ],
  },
];

/** A slow souring: one problem that more and more customers hit, days long. */
export const SOURING: readonly string[] = [
  'since the last update the {brand} {thing} keeps failing. Annoying',
  '{brand} quality has gone downhill, the {thing} is terrible now',
  'is it just me or is the {brand} {thing} broken every day now? Awful',
  'another week of problems with the {brand} {thing}. So disappointed',
  '{handle} the {thing} has been bad for days, when will you fix it? Frustrating',
  '{brand} used to be good, now the {thing} is a mess. Sad',
];

/** A launch: many new voices, glad or curious, a few grumbling. */
export const LAUNCH: Record<Tone, readonly string[]> = {
  positive: [
    'so excited about the {brand} {launch}! Love it',
    'just tried the {brand} {launch}, brilliant idea',
    'the {brand} {launch} looks great, well done',
    'finally! The {brand} {launch} is awesome',
    '{handle} congrats on the {launch}, amazing work',
  ],
  neutral: [
    '{brand} announced a {launch} today',
    'reading about the {brand} {launch}',
    'has anyone tried the {brand} {launch} yet?',
    '{brand} {launch} starts on Monday',
    'the {brand} {launch} is in the news',
  ],
  negative: [
    'the {brand} {launch} is a rip-off, terrible prices',
    'tried the {brand} {launch}, awful and broken',
  ],
};

/** One post that travels: the bad one and the good one, and what its readers add. */
export const VIRAL: Record<'negative' | 'positive', { first: readonly string[]; echoes: readonly string[] }> =
  {
    negative: {
      first: [
        '{brand} broke my guitar and refused to pay. Terrible, I wrote a song about it, please share',
        'thread: how {brand} ruined my wedding day and laughed at us. Disgusting service',
      ],
      echoes: [
        'that {brand} story is awful, shame on them',
        'after reading that thread, never using {brand}. Terrible',
      ],
    },
    positive: {
      first: [
        'the {brand} team found my lost {thing} and drove it to my home at midnight. Wonderful, thank you!',
        'a {brand} driver stopped to help an old lady with her shopping. Lovely, thank you {handle}!',
      ],
      echoes: ['that {brand} story made my day, wonderful', 'what a lovely thing from {brand}, thank you'],
    },
  };

/** A complaint from an account many people read, that the brand never answers. */
export const BIG_COMPLAINT: readonly string[] = [
  '{handle} my {thing} has been a disaster for {n} days and your team keeps ignoring me. Terrible service',
  '{handle} {n} hours on hold and nobody at {brand} can sort my {thing}. Awful, disgraceful service',
];

/** What the press writes when a story has grown. */
export const PRESS: readonly string[] = [
  '{brand} faces angry backlash after shocking video',
  '{brand} criticised over scandal as customers threaten boycott',
];

/** Fills a template's slots. */
export function fill(template: string, brand: BrandProfile, rnd: Random): string {
  return template.replace(/\{(brand|handle|thing|n|launch)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'brand':
        return brand.displayName;
      case 'handle':
        return `@${brand.handle}`;
      case 'thing':
        return rnd.pick(brand.things);
      case 'launch':
        return brand.launch;
      default:
        return String(rnd.int(2, 9));
    }
  });
}

/** An everyday post of a tone: opener, core and tail, so that two posts rarely read alike. */
export function everyday(tone: Tone, brand: BrandProfile, rnd: Random, alarm?: Random): string {
  // Drawn apart (`alarm`), so that the rest of the stream is what it was without these.
  const alarming = tone === 'negative' && alarm !== undefined && alarm.chance(ALARMING_SHARE);
  return variant(rnd.pick(alarming ? EVERYDAY_ALARMING : EVERYDAY[tone]), tone, brand, rnd);
}

/** A template said in one of many ways: an opener and a tail of the same tone around it. */
export function variant(template: string, tone: Tone, brand: BrandProfile, rnd: Random): string {
  const core = fill(template, brand, rnd);
  const text = `${rnd.pick(OPENERS[tone])}${core}${fill(rnd.pick(TAILS[tone]), brand, rnd)}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A copy of an angry post that spreads: a retweet, or the same words with a reaction added. */
export function angryCopy(text: string, handle: string, rnd: Random): string {
  if (rnd.chance(0.7)) return `RT @${handle}: ${text}`;
  return `${rnd.pick(COPY_LEADS)}${text}${rnd.pick(COPY_TAILS)}`;
}

const COPY_LEADS = ['This. ', 'Wow. ', 'Unreal. ', 'Read this: ', ''];
const COPY_TAILS = [' 😡', ' Shame on them.', ' #boycott', ' Share this.', ''];
