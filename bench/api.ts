import { runApiMain } from '../api/main';
import { benchCatalog, benchGroupingRules } from './catalog';

/** The benchmark's API process: Fireline's API as `npm run api` runs it, with the benchmark's catalog and grouping rules. */
runApiMain({ catalog: benchCatalog(), groupingRules: benchGroupingRules() });
