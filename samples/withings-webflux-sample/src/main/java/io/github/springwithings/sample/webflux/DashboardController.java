package io.github.springwithings.sample.webflux;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
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
 * and none blocks: the weights come from {@link DashboardWeights} (what the starter's data sync
 * fetched and {@link SyncedWeights} stored, read through R2DBC), the token details from Spring's
 * reactive authorized-client service, the
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
		String principalName = authentication.getName();
		Instant now = Instant.now();
		// before the data: an update pushed after it makes the page reload
		long newestUpdate = this.updates.newest(principalName);
		List<ReceivedNotification> notifications = this.notifications.of(principalName);
		Instant withingsNow = this.weights.now();
		Mono<OAuth2AuthorizedClient> client = Mono.defer(() -> this.authorizedClientService
			.<OAuth2AuthorizedClient>loadAuthorizedClient(REGISTRATION_ID, principalName))
			// the link ended (Withings refused it, or the user removed this application): sign in again
			.switchIfEmpty(Mono.error(() -> new ClientAuthorizationRequiredException(REGISTRATION_ID)));
		// the sync's state before the weights: a fetch whose weights are read here is then already
		// stored (the principal's name is the Withings user id)
		Mono<SyncAndWeights> data = this.weights.syncState(REGISTRATION_ID, principalName, withingsNow)
			.flatMap((sync) -> this.weights.lastMonth(principalName, withingsNow)
				.map((weights) -> new SyncAndWeights(sync, weights)));
		return client.zipWith(data).map((loaded) -> {
			OAuth2AuthorizedClient authorizedClient = loaded.getT1();
			List<WeightChart.Weight> weights = loaded.getT2().weights();
			model.addAttribute("userId", principalName);
			model.addAttribute("scopes", new TreeSet<>(authorizedClient.getAccessToken().getScopes()));
			model.addAttribute("accessTokenExpires", Times.Moment.of(authorizedClient.getAccessToken().getExpiresAt(), now));
			OAuth2RefreshToken refreshToken = authorizedClient.getRefreshToken();
			model.addAttribute("refreshTokenIssued",
					Times.Moment.of((refreshToken != null) ? refreshToken.getIssuedAt() : null, now));
			WeightChart chart = WeightChart.of(weights, withingsNow.minus(DashboardWeights.PERIOD), withingsNow);
			model.addAttribute("chart", chart);
			model.addAttribute("newestFirst", chart.newestFirst());
			model.addAttribute("headline", WeightHeadline.of(weights));
			model.addAttribute("width", WeightChart.WIDTH);
			model.addAttribute("height", WeightChart.HEIGHT);
			model.addAttribute("sync", loaded.getT2().sync());
			model.addAttribute("store", this.store);
			model.addAttribute("notifications", notifications);
			model.addAttribute("newestUpdate", newestUpdate);
			model.addAttribute("activity", this.activity.of(principalName));
			model.addAttribute("now", now);
			model.addAttribute("embedded", embedded());
			return "dashboard";
		})
			.flatMap((view) -> this.subscriptions.status(principalName)
				.doOnNext((status) -> model.addAttribute("subscription", status))
				.thenReturn(view));
	}

	/** The sync's state and the weights, read in that order. */
	private record SyncAndWeights(SyncState sync, List<WeightChart.Weight> weights) {
	}

	/**
	 * The dashboard's live updates (Server-Sent Events), for the signed-in user only.
	 * @param after the newest update the page was rendered after
	 */
	@GetMapping(path = "/dashboard/updates", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	Flux<ServerSentEvent<String>> updates(Authentication authentication, @RequestParam(defaultValue = "0") long after) {
		return this.updates.stream(authentication.getName(), after);
	}

	/**
	 * Three hours pass for the embedded simulator, and so for the sync, which runs on its clock
	 * ({@link WithingsWebFluxSampleApplication}): the access token expires at Withings and the
	 * backstop comes due ({@code withings.sync.backstop-period}). The fetches due are run at once
	 * (off the event loop) rather than at the sync's next look: the first of the user's is refused
	 * by Withings, and the starter refreshes.
	 */
	@PostMapping("/simulator/fast-forward")
	Mono<String> fastForward() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded == null) {
			return Mono.just("redirect:/dashboard");
		}
		embedded.clock().advance(Duration.ofHours(3).plusMinutes(5));
		return this.weights.fetchDueNow().thenReturn("redirect:/dashboard");
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
		return Mono.defer(() -> this.weights.lastMonth(authentication.getName(), this.weights.now()))
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
