/**
 * The rate budget: Withings' 120 requests a minute shared by every token, nonce and API call of
 * the application ({@link io.github.springwithings.ratelimit.WithingsRateBudget}), in memory or in
 * the store's database for every instance of a cluster (the JDBC and R2DBC budget stores), the
 * callers' priorities and the 601 pause.
 */
package io.github.springwithings.ratelimit;
