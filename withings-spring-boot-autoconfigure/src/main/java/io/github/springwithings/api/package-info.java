/**
 * The Withings data API and its vocabulary: the typed calls of
 * {@link io.github.springwithings.api.WithingsApi} and
 * {@link io.github.springwithings.api.WithingsReactiveApi} with their answers
 * ({@link io.github.springwithings.api.WithingsMeasures}, {@link io.github.springwithings.api.WithingsRows}
 * of activities, sleep summaries, workouts, heart recordings and devices), the response envelope,
 * the request attributes that name a call's user, and the one exception family of the starter:
 * {@link io.github.springwithings.api.WithingsApiException} and its
 * {@link io.github.springwithings.api.WithingsRateLimitException} for a {@code 601}, thrown by the
 * API, the subscriptions and the token side's own calls (nonce, revoke, recover) alike. Depends on
 * Spring Web only.
 */
package io.github.springwithings.api;
