import type { ComponentType, ReactNode } from 'react';
import type { WorkspacePolicy } from '../lib/workspace-policy.ts';
import type { Role } from '../session.tsx';

/** One page of a feature. `public` pages render for signed-out visitors too, outside the signed-in shell. */
export interface FeatureRoute {
  readonly path: string;
  readonly element: ReactNode;
  readonly public?: boolean;
}

/** One entry of the side menu, shown to the listed roles only; `label` is a translation key. */
export interface FeatureLink {
  readonly to: string;
  readonly label: string;
  readonly roles: readonly Role[];
}

/** A translation tree: strings and nested groups. */
export interface Messages {
  readonly [key: string]: string | Messages;
}

/**
 * A feature of the web app, in a folder of its own under `features/`: its routes, its menu entries and its
 * strings, which land in the translations under the feature's `name` (`t('<name>.title')`). The app shell,
 * the router and i18n read the registry in `features/index.ts`, so adding a feature touches no shared file
 * but that list.
 */
export interface Feature {
  readonly name: string;
  readonly routes: readonly FeatureRoute[];
  readonly links: readonly FeatureLink[];
  readonly messages: { readonly en: Messages; readonly fr: Messages; readonly ar: Messages };
  /** Rendered on every signed-in page, inside the shell (e.g. a floating chat button); it decides itself whom to show to. */
  readonly overlay?: ComponentType;
  /**
   * Whether a workspace offers the feature, from its policy; absent: every workspace does. Where it does not (and
   * while the policy is loading) the feature's links stay out of the menu.
   */
  readonly offeredBy?: (policy: WorkspacePolicy) => boolean;
}

/** Checks at compile time that a feature's French and Arabic strings have the English ones' shape. */
export function defineFeature<const M extends Messages>(feature: {
  name: string;
  routes: readonly FeatureRoute[];
  links: readonly FeatureLink[];
  messages: { en: M; fr: Shape<M>; ar: Shape<M> };
  overlay?: ComponentType;
  offeredBy?: (policy: WorkspacePolicy) => boolean;
}): Feature {
  return feature;
}

type Shape<M> = { readonly [K in keyof M]: M[K] extends string ? string : Shape<M[K]> };
