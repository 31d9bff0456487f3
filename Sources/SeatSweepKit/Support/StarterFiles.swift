/// The commented files `seatsweep init` writes to start from, and that `Samples/` holds: one
/// text for both, so the sample and the starter files cannot drift apart (a test compares them
/// byte for byte).
public enum StarterFiles {
    /// `policy.yml`: every policy key with its default, commented. The example addresses use the
    /// reserved `.example` domain, so they can never match a real account.
    public static let policy = #"""
        # seatsweep policy: the rules an audit applies. Every key is optional; a missing key keeps the
        # default shown. Unknown keys are errors, so a typo never silently changes a rule.

        # Days without use after which a seat is inactive. A seat is inactive when its days without
        # use are MORE than the threshold: with 90, a seat last used exactly 90 days ago is still active.
        thresholds:
          default: 90
          confluence: 120            # product keys: jira, confluence, jira-service-management, ...

        # A seat that was never used is inactive unless the account joined fewer than this many days
        # before the audit date (an account that joined exactly 30 days ago gets no grace).
        graceDays: 30

        # What the plan does with inactive seats:
        #   remove-product-access  remove that product on that site (one action per seat)
        #   suspend                suspend the account when ALL its billable seats are inactive
        action: remove-product-access

        # A plan older than this many days is refused by `seatsweep apply`.
        planExpiryDays: 14

        # Products the plan may touch. Seats of excluded products are still counted in reports.
        products:
          exclude: [bitbucket]
          # include: [jira, confluence]

        # Accounts that never appear in a plan (org admins, admin roles, app accounts and members of
        # admin groups are always protected). Patterns are case-insensitive; * matches anything.
        protect:
          emails: ["lena.petrova@acme.example", "*-service@acme.example"]
          domains: ["partner.example"]
          accountIds: []
          groups: ["executives", "break-glass-*"]

        # Groups that grant a non-Jira product, used by `seatsweep apply` to remove access.
        # {site} is replaced by the site key. Default: <product>-users-{site} and <product>-users.
        accessGroups:
          confluence: ["confluence-users-{site}", "confluence-users"]

        """#

    /// `pricing.yml`: every pricing form with example prices, whose `source:` says plainly that
    /// the numbers are examples to replace.
    public static let pricing = #"""
        # seatsweep pricing: what each subscription costs, so that an audit can say what removing
        # inactive seats saves. Atlassian bills every product on every site as its own subscription and
        # does not publish prices in a machine-readable form: copy yours from your quote, your invoice or
        # admin.atlassian.com > Billing. Amounts are plain numbers in `currency` (no symbol, no thousands
        # separator), per month for monthly plans and per year for annual plans.

        # The ISO 4217 code of every amount below. seatsweep never converts currencies.
        currency: USD

        # Where the prices come from. It is printed in every report, so readers know what to trust.
        source: "EXAMPLE PRICES ONLY: replace every number in this file with your own quote or invoice"

        # Annual plans bill by user tier for the year: a removal saves only from the renewal, and only
        # if the count drops into a lower tier. A past date rolls forward a year at a time.
        renewal: 2027-03-01

        # Monthly plans bill on the most users held during the cycle, so a removal saves from the next
        # cycle. The day of the month your cycles start (1-31; the last day in shorter months).
        cycleDay: 1

        # One entry per product key: jira, confluence, jira-service-management, jira-work-management,
        # bitbucket, jira-product-discovery, ... A product without an entry is reported as unpriced,
        # never as free. Each entry has billing (monthly or annual) and exactly one of:
        #   perUser  a flat price per billable user
        #   bands    graduated: each band's users at that band's price
        #   tiers    a step function: the price of the smallest tier that holds every user
        # An entry may also set its own currency, renewal or cycleDay.
        products:
          jira:
            billing: monthly
            perUser: 8.60
          confluence:
            billing: monthly
            bands:                    # the first 100 users at 6.40, the next 900 at 5.20, the rest at 3.90
              - upTo: 100
                perUser: 6.40
              - upTo: 1000
                perUser: 5.20
              - perUser: 3.90
          jira-service-management:
            billing: annual
            tiers:                    # up to 10 users: 2000 a year; 11 to 25: 5000; 26 to 50: 9000
              - upTo: 10
                price: 2000
              - upTo: 25
                price: 5000
              - upTo: 50
                price: 9000

        # Subscriptions whose price differs on one site (site key: the subdomain of <site>.atlassian.net),
        # with entries shaped as under products.
        sites:
          acme-eu:
            jira:
              billing: annual
              renewal: 2027-06-15
              tiers:
                - upTo: 10
                  price: 950
                - upTo: 25
                  price: 2300

        # Marketplace apps, billed on their host product's billable users on every site where the host
        # has users (or only on `site:`), so removing host seats lowers their bills too.
        apps:
          - name: Time tracking app
            host: jira
            billing: monthly
            perUser: 1.20

        """#
}
