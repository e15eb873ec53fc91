package io.github.springwithings.sample.webflux;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.simulator.WithingsSimulator;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The pages: home (sign in), dashboard (who you are, your tokens, your weight), signed out. Every
 * handler returns a {@link Mono} and none blocks: the weight comes from the starter's
 * {@link WithingsReactiveApi} (the signed-in user's token, refreshed when Withings refuses it),
 * the token details from Spring's reactive authorized-client service, and disconnect goes through
 * {@link WithingsReactiveAuthorizedClients}.
 */
@Controller
class DashboardController {

	static final String REGISTRATION_ID = "withings";

	private final WithingsReactiveApi withingsApi;

	private final WithingsReactiveAuthorizedClients withingsAuthorizedClients;

	private final ReactiveOAuth2AuthorizedClientService authorizedClientService;

	private final String store;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardController(WithingsReactiveApi withingsApi, WithingsReactiveAuthorizedClients withingsAuthorizedClients,
			ReactiveOAuth2AuthorizedClientService authorizedClientService, ObjectProvider<WithingsSimulator> simulator) {
		this.withingsApi = withingsApi;
		this.withingsAuthorizedClients = withingsAuthorizedClients;
		this.authorizedClientService = authorizedClientService;
		this.store = store(authorizedClientService);
		this.simulator = simulator;
	}

	/** Which of the starter's stores keeps the links (memory, JDBC, R2DBC). */
	private static String store(ReactiveOAuth2AuthorizedClientService authorizedClientService) {
		Object store = (authorizedClientService instanceof WithingsReactiveAuthorizedClientService withings)
				? withings.getAuthorizedClientService() : authorizedClientService;
		return store.getClass().getSimpleName();
	}

	@GetMapping("/")
	Mono<String> home(ServerWebExchange exchange, Model model) {
		model.addAttribute("embedded", embedded());
		return exchange.getPrincipal().map((principal) -> "redirect:/dashboard").defaultIfEmpty("index");
	}

	@GetMapping("/dashboard")
	Mono<String> dashboard(Authentication authentication, Model model) {
		Instant now = Instant.now();
		Mono<List<WeightChart.Weight>> weights = this.withingsApi
			.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT)
			.map(DashboardController::weights);
		// after the data call: a refresh it made is then already stored
		Mono<Optional<OAuth2AuthorizedClient>> client = Mono.defer(() -> this.authorizedClientService
			.<OAuth2AuthorizedClient>loadAuthorizedClient(REGISTRATION_ID, authentication.getName())
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty()));
		return weights.zipWhen((ignored) -> client).map((loaded) -> {
			model.addAttribute("userId", authentication.getName());
			model.addAttribute("scopes", new TreeSet<String>());
			loaded.getT2().ifPresent((authorizedClient) -> {
				model.addAttribute("scopes", new TreeSet<>(authorizedClient.getAccessToken().getScopes()));
				model.addAttribute("accessTokenExpiresAt", authorizedClient.getAccessToken().getExpiresAt());
				OAuth2RefreshToken refreshToken = authorizedClient.getRefreshToken();
				model.addAttribute("refreshTokenAge", (refreshToken != null && refreshToken.getIssuedAt() != null)
						? age(Duration.between(refreshToken.getIssuedAt(), now)) : "unknown");
			});
			model.addAttribute("chart", WeightChart.of(loaded.getT1()));
			model.addAttribute("width", WeightChart.WIDTH);
			model.addAttribute("height", WeightChart.HEIGHT);
			model.addAttribute("store", this.store);
			model.addAttribute("embedded", embedded());
			return "dashboard";
		});
	}

	private static List<WeightChart.Weight> weights(WithingsMeasures measures) {
		return measures.groups()
			.stream()
			.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT)
				.map((measure) -> new WeightChart.Weight(group.date(), measure.value()))
				.stream())
			.toList();
	}

	private static String age(Duration age) {
		return age.toDays() + " d " + age.toHoursPart() + " h " + age.toMinutesPart() + " min";
	}

	/** Moves the embedded simulator's clock past the access token's expiry (3 hours). */
	@PostMapping("/simulator/fast-forward")
	Mono<String> fastForward() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded != null) {
			embedded.clock().advance(Duration.ofHours(3).plusMinutes(5));
		}
		return Mono.just("redirect:/dashboard");
	}

	/** Revokes the user at Withings, removes the link, then signs the user out. */
	@PostMapping("/disconnect")
	Mono<String> disconnect(Authentication authentication, ServerWebExchange exchange) {
		return this.withingsAuthorizedClients.disconnect(authentication.getName())
			.then(exchange.getSession().flatMap(WebSession::invalidate))
			.thenReturn("redirect:/signed-out");
	}

	@GetMapping("/signed-out")
	Mono<String> signedOut() {
		return Mono.just("signed-out");
	}

	private boolean embedded() {
		return this.simulator.getIfAvailable() != null;
	}

}
