/**
 * The data sync (opt-in, {@code withings.sync.enabled}): for every linked user and each data kind
 * their scopes allow ({@link io.github.springwithings.sync.WithingsDataKind}), a durable
 * {@code lastupdate} cursor; a notification or the backstop schedule makes it due, one instance at
 * a time fetches what changed at background priority within a share of the rate budget, and
 * publishes {@link io.github.springwithings.sync.WithingsDataSyncedEvent}; the cursor moves only
 * after the listeners returned. Backstop fetches that find changes no notification announced are
 * counted as missed notifications ({@link io.github.springwithings.sync.WithingsSyncStatistics}).
 */
package io.github.springwithings.sync;
