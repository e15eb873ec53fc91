/**
 * Spring's HTTP service clients ({@code @HttpExchange} interfaces in groups) for the Withings API:
 * group configurers for {@code RestClient} and {@code WebClient}.
 */
package io.github.springwithings.web.service.registry;
