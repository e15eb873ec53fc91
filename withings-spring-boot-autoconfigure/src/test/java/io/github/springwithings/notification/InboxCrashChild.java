package io.github.springwithings.notification;

import java.util.concurrent.CountDownLatch;

import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The application {@link WithingsNotificationInboxCrashTests} kills: a Spring Boot servlet
 * application with the starter's JDBC store on the shared database (so the durable inbox is on),
 * the notification callback, and a listener that blocks (it prints {@code ENTERED} first). Prints
 * {@code URL <callback URL>} once it listens. Arguments: the simulator's base URL, the JDBC URL,
 * user name and password.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class InboxCrashChild {

	static final String PATH = "/withings/notifications/Cr4shS3cret";

	public static void main(String[] args) {
		ConfigurableApplicationContext context = new SpringApplication(InboxCrashChild.class).run("--server.port=0",
				"--spring.main.web-application-type=servlet", "--spring.datasource.url=" + args[1],
				"--spring.datasource.username=" + args[2], "--spring.datasource.password=" + args[3],
				"--spring.security.oauth2.client.registration.withings.client-id=" + WithingsSimulator.DEFAULT_CLIENT_ID,
				"--spring.security.oauth2.client.registration.withings.client-secret="
						+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
				"--withings.api-base-uri=" + args[0], "--withings.account-base-uri=" + args[0],
				"--withings.notifications.callback-url=http://127.0.0.1:0" + PATH,
				"--withings.notifications.subscribe-on-link=false",
				"--withings.notifications.inbox.instance-id=crashing-instance",
				"--withings.notifications.inbox.lease=1m");
		System.out.println("URL http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + PATH);
		System.out.flush();
	}

	@Bean
	BlockingListener blockingListener() {
		return new BlockingListener();
	}

	static class BlockingListener {

		private final CountDownLatch never = new CountDownLatch(1);

		@EventListener
		void onNotification(WithingsNotificationEvent event) throws InterruptedException {
			System.out.println("ENTERED");
			System.out.flush();
			this.never.await();
		}

	}

}
