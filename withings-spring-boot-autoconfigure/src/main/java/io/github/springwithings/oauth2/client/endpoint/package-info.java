/**
 * Withings' token endpoint for Spring Security's OAuth2 client: the token response client that
 * speaks Withings for Withings registrations
 * ({@link io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient}), its
 * request and response converters, the signed {@code getnonce}, {@code revoke} and
 * {@code recoverauthorizationcode} calls, the nonce prefetcher, and
 * {@link io.github.springwithings.oauth2.client.endpoint.WithingsOAuth2Error}, which keeps the
 * meaning of Withings' statuses in Spring's error codes.
 */
package io.github.springwithings.oauth2.client.endpoint;
