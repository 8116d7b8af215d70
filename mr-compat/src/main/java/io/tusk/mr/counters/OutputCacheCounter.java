package io.tusk.mr.counters;

/**
 * What map tasks read from job outputs kept in memory instead of from their files (group "Tusk
 * Output Cache"): splits, records, and the bytes of the files those records span.
 */
public enum OutputCacheCounter
{
    SPLITS_FROM_MEMORY,
    RECORDS_FROM_MEMORY,
    BYTES_FROM_MEMORY,
}
