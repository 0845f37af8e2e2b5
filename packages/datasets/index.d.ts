/** The corpora this package holds. */
export declare const DATASETS: readonly ['m10', '20ng'];
/** The folder holding one OCTIS folder per dataset. */
export declare const datasetsDir: string;
/** The OCTIS folder of a dataset (`m10` or `20ng`, any case). */
export declare function datasetPath(name: string): string;
