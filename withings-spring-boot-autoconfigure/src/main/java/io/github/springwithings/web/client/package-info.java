/**
 * Withings for Spring's {@code RestClient}: the configurer of the {@code withingsRestClient}, the
 * interceptor that reads Withings' envelope (refresh and retry on 401, wait and retry on a short
 * 601), the client-side rate limit interceptor and the API call observations.
 */
package io.github.springwithings.web.client;
