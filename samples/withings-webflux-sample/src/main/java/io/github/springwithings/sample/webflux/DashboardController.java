package io.github.springwithings.sample.webflux;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsReactiveAuthorizedClients;
import io.github.springwithings.simulator.WithingsSimulator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The pages: home (sign in), dashboard (your weight, your notifications updated live, what the
 * starter did for you, your link), disconnect (asked first), signed out; and the embedded
 * simulator's controls. Every handler returns a {@link Mono} (the live updates a {@link Flux})
 * and none blocks: the weight comes from {@link DashboardWeights} (the starter's
 * {@code WithingsReactiveApi}, the signed-in user's token, refreshed when Withings refuses it),
 * the token details from Spring's reactive authorized-client service, the
 * subscription from {@link NotificationSubscriptions}, and disconnect goes through
 * {@link WithingsReactiveAuthorizedClients}.
 */
@Controller
class DashboardController {

	static final String REGISTRATION_ID = "withings";

	private final DashboardWeights weights;

	private final WithingsReactiveAuthorizedClients withingsAuthorizedClients;

	private final ReactiveOAuth2AuthorizedClientService authorizedClientService;

	private final String store;

	private final LatestNotifications notifications;

	private final NotificationSubscriptions subscriptions;

	private final DashboardUpdates updates;

	private final StarterActivity activity;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardController(DashboardWeights weights, WithingsReactiveAuthorizedClients withingsAuthorizedClients,
			ReactiveOAuth2AuthorizedClientService authorizedClientService, LatestNotifications notifications,
			NotificationSubscriptions subscriptions, DashboardUpdates updates, StarterActivity activity,
			ObjectProvider<WithingsSimulator> simulator) {
		this.weights = weights;
		this.withingsAuthorizedClients = withingsAuthorizedClients;
		this.authorizedClientService = authorizedClientService;
		this.store = store(authorizedClientService);
		this.notifications = notifications;
		this.subscriptions = subscriptions;
		this.updates = updates;
		this.activity = activity;
		this.simulator = simulator;
	}

	/** Where the starter's store keeps the links, in words. */
	private static String store(ReactiveOAuth2AuthorizedClientService authorizedClientService) {
		Object store = (authorizedClientService instanceof WithingsReactiveAuthorizedClientService withings)
				? withings.getAuthorizedClientService() : authorizedClientService;
		return switch (store.getClass().getSimpleName()) {
			case "R2dbcWithingsAuthorizedClientService" -> "this application's database (R2DBC)";
			case "JdbcWithingsAuthorizedClientService" -> "this application's database (JDBC)";
			case "InMemoryWithingsAuthorizedClientService" -> "this application's memory (gone on restart)";
			default -> "this application's store";
		};
	}

	@GetMapping("/")
	Mono<String> home(ServerWebExchange exchange, Model model) {
		// whether "?denied" is there, read here: Thymeleaf's ${param.denied} is never null on WebFlux,
		// and a parameter without a value (?denied) has a null value on WebFlux
		model.addAttribute("denied", exchange.getRequest().getQueryParams().containsKey("denied"));
		model.addAttribute("signedOut", exchange.getRequest().getQueryParams().containsKey("signed-out"));
		model.addAttribute("embedded", embedded());
		return exchange.getPrincipal().map((principal) -> "redirect:/dashboard").defaultIfEmpty("index");
	}

	@GetMapping("/dashboard")
	Mono<String> dashboard(Authentication authentication, Model model) {
		Instant now = Instant.now();
		// before the data call: a notification handled after it makes the page reload
		List<ReceivedNotification> notifications = this.notifications.of(authentication.getName());
		Instant withingsNow = this.weights.now();
		Mono<List<WeightChart.Weight>> weights = this.weights.lastMonth(withingsNow);
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
				model.addAttribute("accessTokenExpires",
						Times.Moment.of(authorizedClient.getAccessToken().getExpiresAt(), now));
				OAuth2RefreshToken refreshToken = authorizedClient.getRefreshToken();
				Instant issuedAt = (refreshToken != null) ? refreshToken.getIssuedAt() : null;
				model.addAttribute("refreshTokenIssued", Times.Moment.of(issuedAt, now));
				this.activity.noticeRefreshToken(authentication.getName(), issuedAt);
			});
			WeightChart chart = WeightChart.of(loaded.getT1(), withingsNow.minus(DashboardWeights.PERIOD), withingsNow);
			model.addAttribute("chart", chart);
			model.addAttribute("newestFirst", chart.newestFirst());
			model.addAttribute("headline", WeightHeadline.of(loaded.getT1()));
			model.addAttribute("width", WeightChart.WIDTH);
			model.addAttribute("height", WeightChart.HEIGHT);
			model.addAttribute("store", this.store);
			model.addAttribute("notifications", notifications);
			model.addAttribute("newestNotification", notifications.isEmpty() ? 0 : notifications.get(0).sequence());
			model.addAttribute("activity", this.activity.of(authentication.getName()));
			model.addAttribute("now", now);
			model.addAttribute("embedded", embedded());
			return "dashboard";
		})
			// after the data call too: a refresh it made is used here
			.flatMap((view) -> this.subscriptions.status(authentication.getName())
				.doOnNext((status) -> model.addAttribute("subscription", status))
				.thenReturn(view));
	}

	/**
	 * The dashboard's live updates (Server-Sent Events), for the signed-in user only.
	 * @param after the newest notification the page shows
	 */
	@GetMapping(path = "/dashboard/updates", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	Flux<ServerSentEvent<String>> updates(Authentication authentication, @RequestParam(defaultValue = "0") long after) {
		return this.updates.stream(authentication.getName(), after);
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

	/**
	 * The signed-in user steps on the embedded simulator's scale: a weight near the last one is
	 * recorded, and the simulator notifies every subscribed callback, as Withings does (off the
	 * event loop: the simulator stands for a remote Withings).
	 */
	@PostMapping("/simulator/step-on-scale")
	Mono<String> stepOnScale(Authentication authentication) {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded == null) {
			return Mono.just("redirect:/dashboard");
		}
		return Mono.defer(() -> this.weights.lastMonth(this.weights.now()))
			.map(DashboardController::nextWeight)
			.flatMap((kilograms) -> Mono.fromCallable(() -> embedded.stepOnScale(authentication.getName(), kilograms))
				.subscribeOn(Schedulers.boundedElastic()))
			.thenReturn("redirect:/dashboard");
	}

	/** A tenth to half a kilogram up or down from the last weight, to a tenth. */
	static double nextWeight(List<WeightChart.Weight> weights) {
		BigDecimal last = weights.stream()
			.max(Comparator.comparing(WeightChart.Weight::date))
			.map(WeightChart.Weight::kilograms)
			.orElse(BigDecimal.valueOf(70));
		int tenths = ThreadLocalRandom.current().nextInt(1, 6) * (ThreadLocalRandom.current().nextBoolean() ? 1 : -1);
		return last.add(BigDecimal.valueOf(tenths, 1)).setScale(1, RoundingMode.HALF_UP).doubleValue();
	}

	/** Asks first: what a disconnect does, and a way back. */
	@GetMapping("/disconnect")
	Mono<String> confirmDisconnect() {
		return Mono.just("disconnect");
	}

	/**
	 * Revokes the user at Withings and removes the link (the starter), which makes the sample
	 * forget what it kept of the user (its listeners of the starter's event), then signs the user
	 * out.
	 */
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
