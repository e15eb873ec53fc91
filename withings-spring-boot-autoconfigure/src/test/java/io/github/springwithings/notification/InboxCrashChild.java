package io.github.springwithings.notification;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.springwithings.oauth2.client.JdbcWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;

import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

/**
 * The application {@link WithingsNotificationInboxCrashTests} kills: the JDBC store and the
 * durable inbox on the shared database, the callback served over HTTP, and a listener that
 * blocks (it prints {@code ENTERED} first). Prints {@code URL <callback URL>} once it listens.
 * Arguments: the simulator's base URL, the JDBC URL, user name and password, the lease in
 * milliseconds.
 */
public final class InboxCrashChild {

	static final String PATH = "/withings/notifications/Cr4shS3cret";

	private InboxCrashChild() {
	}

	public static void main(String[] args) throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(args[1]);
		config.setUsername(args[2]);
		config.setPassword(args[3]);
		config.setMaximumPoolSize(4);
		HikariDataSource dataSource = new HikariDataSource(config);
		JdbcWithingsAuthorizedClientService store = new JdbcWithingsAuthorizedClientService(dataSource,
				new InMemoryClientRegistrationRepository(TestClientRegistrations.withings(args[0]).build()));
		CountDownLatch never = new CountDownLatch(1);
		WithingsNotificationReceiver receiver = new WithingsNotificationReceiver(PATH, store, List.of("withings"),
				(event) -> {
					System.out.println("ENTERED");
					System.out.flush();
					try {
						never.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}, new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10)));
		WithingsNotificationInbox inbox = new JdbcWithingsNotificationInbox(dataSource);
		inbox.setInstanceId("crashing-instance");
		inbox.setLease(Duration.ofMillis(Long.parseLong(args[4])));
		receiver.setInbox(inbox, Runnable::run);
		ReceiverHttpServer server = ReceiverHttpServer.start(receiver);
		System.out.println("URL " + server.url());
		System.out.flush();
		never.await();
	}

}
