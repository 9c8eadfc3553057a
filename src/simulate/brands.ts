/** The fictional brands a simulation talks about: a name, how people write it, and what they buy. */
export interface BrandProfile {
  /** Id of the brand, as `brand` in an observation. */
  name: string;
  displayName: string;
  /** The brand's own account, as people tag it. */
  handle: string;
  /** What its customers have and talk about: "my {thing}". */
  things: readonly string[];
  /** What a launch brings. */
  launch: string;
}

const PROFILES: readonly BrandProfile[] = [
  {
    name: 'acme-air',
    displayName: 'Acme Air',
    handle: 'AcmeAir',
    things: ['flight', 'bag', 'booking', 'seat', 'check-in'],
    launch: 'new route to Lisbon',
  },
  {
    name: 'northwind-bank',
    displayName: 'Northwind Bank',
    handle: 'NorthwindBank',
    things: ['card', 'transfer', 'account', 'banking app', 'loan application'],
    launch: 'new current account',
  },
  {
    name: 'globex-mobile',
    displayName: 'Globex Mobile',
    handle: 'GlobexMobile',
    things: ['internet', 'phone bill', 'signal', 'contract', 'router'],
    launch: 'new 5G plan',
  },
  {
    name: 'bytebite',
    displayName: 'ByteBite',
    handle: 'ByteBite',
    things: ['order', 'delivery', 'meal', 'takeaway', 'driver'],
    launch: 'new late-night menu',
  },
  {
    name: 'hooli-store',
    displayName: 'Hooli Store',
    handle: 'HooliStore',
    things: ['order', 'parcel', 'return', 'package', 'voucher'],
    launch: 'new same-day delivery',
  },
  {
    name: 'voltway',
    displayName: 'Voltway',
    handle: 'Voltway',
    things: ['bill', 'meter reading', 'meter', 'tariff', 'direct debit'],
    launch: 'new night tariff',
  },
];

/** The i-th brand; past the list, the same profiles with a number, so any count of brands works. */
export function brandProfile(i: number): BrandProfile {
  const base = PROFILES[i % PROFILES.length] as BrandProfile;
  const round = Math.floor(i / PROFILES.length);
  if (round === 0) return base;
  return { ...base, name: `${base.name}-${round + 1}`, displayName: `${base.displayName} ${round + 1}` };
}
