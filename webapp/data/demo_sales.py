"""Demo step (issue 15, part B): the product catalogue, a few complaints per advisor,
churned clients, and quotes in every status — all through the screens' services (a few
hundred rows: no bulk insert needed). Nothing is mailed: the complaints and quotes are
the past's."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from webapp.activities.catalogue.models import Product
from webapp.activities.catalogue.services import save_product
from webapp.activities.churn.models import Churn, ChurnReason, ChurnScope
from webapp.activities.churn.services import record_churn
from webapp.activities.complaints.models import Complaint, ComplaintOrigin
from webapp.activities.complaints.services import ComplaintInput, file_complaint, move_complaint
from webapp.activities.quotes.models import Quote
from webapp.activities.quotes.services import add_line, create_quote, decide_quote, send_quote
from webapp.auth.models import Role, User
from webapp.clients.models import Account, Client
from webapp.data.demo_state import Demo
from webapp.extensions import db

CATALOGUE = (  # key, label, range, price HT, VAT
    ("pave-dep", "Pavé activité départemental", "Imprimé", "450.00", "20.00"),
    ("pave-reg", "Pavé activité régional", "Imprimé", "1290.00", "20.00"),
    ("annonce-ligne", "Annonce en ligne", "Imprimé", "89.90", "20.00"),
    ("site-vitrine", "Site vitrine", "Internet", "39.90", "20.00"),
    ("referencement", "Référencement local", "Internet", "129.00", "20.00"),
    ("avis-clients", "Gestion des avis clients", "Internet", "19.99", "20.00"),
    ("display-banniere", "Bannière display", "Display", "250.00", "20.00"),
    ("video-pro", "Vidéo de présentation", "Vidéo", "690.00", "20.00"),
)
FACTS = (
    "Le pavé est paru avec une erreur de logo.",
    "La mention « livraison gratuite » est parue alors que le client la facture.",
    "La correction demandée est intervenue un mois avant la fin de parution.",
    "Les coordonnées affichées dans l'annonce sont celles de l'ancienne adresse.",
    "Le site vitrine est resté inaccessible plusieurs jours.",
)
ADVISORS_SERVED = 15  # the advisors who get complaints and quotes (the first by id)
CHURN_SHARE = 40  # one client in 40 is in total churn …
CHURNS_MAX = 2500  # … up to this many (through the service, one by one: a million clients)


def create(demo: Demo) -> None:
    products = [save_product(None, {"key": k, "label": label, "range": rng,
                                    "unit_price_ht": Decimal(price), "vat_rate": Decimal(vat),
                                    "active": True})
                for k, label, rng, price, vat in CATALOGUE]
    advisors = db.session.scalars(select(User).where(User.role == Role.ADVISOR)
                                  .order_by(User.id).limit(ADVISORS_SERVED)).all()
    for advisor in advisors:
        clients = db.session.scalars(select(Client).where(  # quotes go out by e-mail
            Client.advisor_id == advisor.id, Client.email.is_not(None))
            .order_by(Client.id).limit(6)).all()
        if len(clients) < 6:
            continue
        _complaints(demo, advisor, clients[:3])
        _quotes(demo, advisor, clients[2:6], products)
    _churn(demo, products)
    for label, model in (("Produits", Product), ("Réclamations", Complaint),
                         ("Chutes", Churn), ("Devis", Quote)):
        demo.counts[label] = db.session.scalar(select(func.count(model.id)))


def _complaints(demo: Demo, advisor: User, clients: list[Client]) -> None:
    for n, (client, status) in enumerate(zip(clients, ("filed", "in_progress", "closed"),
                                             strict=True)):
        complaint = file_complaint(client, ComplaintInput(
            vintage=demo.today.year - (n == 2), order_number=f"{client.id:06d}-{n + 1}",
            comment=demo.rng.choice(FACTS),
            origin=demo.rng.choice([ComplaintOrigin.VISIT.value] * 3
                                   + [o.value for o in ComplaintOrigin])),
            advisor.id, acknowledge=False)
        if status != "filed":
            move_complaint(complaint, status)


def _quotes(demo: Demo, advisor: User, clients: list[Client], products) -> None:
    for client, status in zip(clients, ("draft", "sent", "accepted", "refused"), strict=True):
        quote = create_quote(client, f"Plan de parution {demo.today.year + 1}",
                             demo.today + timedelta(days=demo.rng.randint(10, 45)),
                             advisor.id, demo.today)
        for product in demo.rng.sample(products, demo.rng.randint(1, 3)):
            add_line(quote, product.id, demo.rng.randint(1, 3))
        if status == "draft":
            continue
        send_quote(quote, demo.today, mail=False)
        if status != "sent":
            decide_quote(quote, status == "accepted", advisor, demo.today)


def _churn(demo: Demo, products) -> None:
    reasons = [r.value for r in ChurnReason]
    churned = db.session.scalars(select(Client.id).where(Client.id % CHURN_SHARE == 7)
                                 .order_by(Client.id).limit(CHURNS_MAX)).all()
    for client_id in churned:
        record_churn(client_id, scope=ChurnScope.TOTAL,
                     day=demo.today - timedelta(days=demo.rng.randint(1, 300)),
                     reason=demo.rng.choice(reasons))
    # Partial and product churns on clients holding accounts, against a proposal's
    # sub-order (slide 41: « Je retire la 101 de ma proposition »).
    holders = db.session.scalars(select(Account.client_id).distinct()
                                 .where(Account.client_id % CHURN_SHARE == 11)
                                 .order_by(Account.client_id).limit(CHURNS_MAX // 2)).all()
    for n, client_id in enumerate(holders):
        product = demo.rng.choice(products)
        record_churn(client_id, scope=ChurnScope.PARTIAL if n % 2 else ChurnScope.PRODUCT,
                     day=demo.today - timedelta(days=demo.rng.randint(1, 200)),
                     reason=demo.rng.choice(reasons), product_id=product.id,
                     suborder_label=demo.rng.choice(("001", "101", "201")))
