import { runApiMain } from '../api/main';
import { benchGroupingRules } from './catalog';

/** The benchmark's API process: Fireline's API as `npm run api` runs it, with the benchmark's grouping rules. */
runApiMain({ groupingRules: benchGroupingRules() });
