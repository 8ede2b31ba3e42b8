"""Demo contributions for `seed_demo`: what public bodies tried and what happened, with figures.

Idempotent (keyed on each contribution's slug) and written only through the services, so every
contribution has real revisions, is published through real peer review (reviews.services), and
adaptations and adoptions are recorded as members would. The organisations are real places, but
the projects, people, reviews and figures are illustrative.
"""

from collections import Counter
from datetime import date
from decimal import Decimal
from inspect import cleandoc

from django.conf import settings
from django.db.models import Count
from django.utils.text import slugify

from govcommons.accounts.models import User
from govcommons.accounts.permissions import can_moderate
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.notifications.services import mark_read
from govcommons.organizations.models import Organization
from govcommons.reviews import permissions as review_permissions
from govcommons.reviews import selectors as review_selectors
from govcommons.reviews import services as review_services
from govcommons.reviews.models import (
    OPEN_STATES,
    Criterion,
    OutdatedFlag,
    Review,
    ReviewInvitation,
    Submission,
    SubmissionKind,
)
from govcommons.reviews.services import Decision
from govcommons.taxonomy.models import Sector, Topic

from . import services
from .models import LIVE_STATES, Adoption, ContributionState, Practice

MODERATOR = "moderator@govcommons.example"
CLAIRE = "claire.martin@lyon.fr"
AINO = "aino.virtanen@hel.fi"
JORDI = "jordi.puig@bcn.cat"
PRIYA = "priya.shah@health.gov.example"
KADRI = "kadri.tamm@tallinnlv.ee"
SAM = "sam.taylor@example.org"
LUCIA = "lucia.romano@example.net"
MARC = "marc.dubois@example.com"

LYON = "Ville de Lyon"
LYON_DIGITAL = "Direction de l'innovation numérique"
METROPOLE = "Métropole de Lyon"
HELSINKI = "City of Helsinki"
BARCELONA = "Barcelona City Council"
HEALTH = "Ministry of Health (Example)"
WAITING = "Waiting Times Unit"
DGA = "Digital Government Agency (Example)"
TALLINN = "Tallinn City Government"
DENMARK = "Region of Southern Denmark"
AMSTERDAM = "Municipality of Amsterdam"
PROCUREMENT = "Public Procurement Office (Example)"
MONTREAL = "City of Montréal"

# Who reports an adoption for their own organisation; the moderator reports for the others.
REPORTERS = {
    LYON: CLAIRE,
    HELSINKI: AINO,
    BARCELONA: JORDI,
    HEALTH: PRIYA,
    TALLINN: KADRI,
    PROCUREMENT: LUCIA,
    METROPOLE: MARC,
}

# Written in the first draft; the rest comes in later revisions, as in real life.
FIRST_DRAFT = {"title", "summary", "challenge", "context", "approach", "stage", "start_date"}
SECOND_REVISION = FIRST_DRAFT | {"implementation", "outcomes", "end_date", "links"}

CONTRIBUTIONS: list[dict] = [
    # --- Lyon -------------------------------------------------------------------------------
    {
        "title": "Fixing potholes in 6 days with a citizen reporting app",
        "kind": "case_study",
        "author": CLAIRE,
        "co_authors": [MARC],
        "organization": LYON,
        "topics": ["citizen-reporting", "service-design"],
        "sectors": ["urban-planning", "digital-and-it"],
        "levels": ["local"],
        "countries": ["FR"],
        "summary": """
            Residents of Lyon report potholes, broken lights and graffiti from their phone with a
            photo and a location; reports go straight to the crew's work queue. The average time
            to repair a reported pothole fell from 21 to 6 days in a year, with the same crews.
        """,
        "challenge": """
            Reports arrived by phone, email and letters to the mayor's office, were retyped into
            three systems and often lost. Residents reported the same pothole several times and
            never heard back. Crews drove to addresses that were wrong or vague.
        """,
        "context": """
            Ville de Lyon (520,000 residents), road maintenance department of 140 staff in nine
            districts. Roads are shared with the Métropole, so a fifth of the reports belong to
            another authority. No budget for new staff.
        """,
        "approach": """
            - One reporting app and web form, **photo and map pin required**, no account needed.
            - Reports are routed by category and location to the right crew or authority.
            - Residents are told when their report is scheduled and when it is fixed, with the
              crew's "after" photo.
            - Duplicates within 30 metres are merged and the reporters are all kept informed.
        """,
        "implementation": """
            1. **Design (3 months):** shadowed crews and call-centre staff; tested paper
               prototypes with 40 residents in two districts.
            2. **Procurement:** an existing open source reporting platform, hosted by a local
               supplier under a framework agreement (no new tender).
            3. **Development (4 months):** connection to the work-order system; routing rules
               written with the crews.
            4. **Deployment:** two pilot districts for three months, then the whole city.
        """,
        "lessons": """
            - The crews' "after" photo did more for trust than any campaign.
            - Routing rules need an owner: we reviewed them monthly in the first year.
            - Reports for the Métropole's roads must be forwarded, not refused.
            - Don't launch in November: the first winter doubled the volume.
        """,
        "replication": """
            A work-order system with an interface, someone to own the routing rules, and crews
            willing to take a photo. The platform is open source.
        """,
        "contacts": "Head of digital services, Ville de Lyon (claire.martin@lyon.fr).",
        "costs": "Platform hosting and integration €95,000; 0.5 FTE product owner; training.",
        "cost_amount": "120000",
        "staff_fte": "2.5",
        "start_date": date(2021, 9, 1),
        "end_date": date(2022, 9, 30),
        "stage": "scaled",
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "100k-1m",
        "service_area": "Road maintenance",
        "needs_technology": True,
        "needs_skills": True,
        "prerequisites": "A work-order system that can receive jobs through an API.",
        "outcomes": [
            (
                "Days to repair a reported pothole",
                "days",
                "21",
                "6",
                "12 months",
                "Work-order system",
            ),
            ("Reports received per month", "reports", "600", "1450", "12 months", "App data"),
            ("Reporters told the outcome", "%", "10", "96", "12 months", "App data"),
        ],
        "links": [
            ("repository", "https://github.com/example-lyon/signalements", "Source code"),
            ("dataset", "https://data.example.org/lyon/signalements", "Reports as open data"),
        ],
        "revisions": [
            "Added the 12-month figures from the work-order system",
            "Lessons learned after the first winter",
        ],
        "adoptions": [
            (HELSINKI, "in_operation", date(2023, 4, 1), "Adapted for street faults."),
            (BARCELONA, "piloting", date(2024, 2, 15), "Pilot in Gràcia district."),
            (TALLINN, "in_operation", date(2023, 10, 1), "Integrated with the city's 1345 line."),
            (MONTREAL, "in_operation", date(2024, 5, 6), "Connected to the 311 service."),
            (AMSTERDAM, "planning", date(2025, 1, 20), ""),
            (METROPOLE, "piloting", date(2024, 9, 1), "For roads owned by the Métropole."),
        ],
    },
    {
        "title": "Guide: launching a 311 reporting service in 12 weeks",
        "kind": "implementation_guide",
        "author": CLAIRE,
        "organization": LYON_DIGITAL,
        "topics": ["citizen-reporting", "service-design"],
        "sectors": ["digital-and-it", "public-safety"],
        "levels": ["local"],
        "countries": ["FR", "CA"],
        "summary": """
            A step-by-step guide for a city that wants one number and one app for non-emergency
            requests: what to decide in the first two weeks, which requests to start with, how
            to staff the line and what to measure.
        """,
        "context": """
            Written after Lyon's reporting app and visits to Montréal's 311. For cities of
            100,000 to 1 million residents with a call centre already in place.
        """,
        "approach": """
            Start with **five request types** that cover 70% of calls (potholes, lights,
            graffiti, bulky waste, noise). Add more only when the first five close on time.
        """,
        "implementation": """
            1. **Weeks 1-2:** name an owner; list the request types and who fixes each.
            2. **Weeks 3-4:** write the routing rules and the replies residents receive.
            3. **Weeks 5-8:** configure the platform; connect two work-order systems.
            4. **Weeks 9-10:** train call-centre staff; test with 50 residents.
            5. **Weeks 11-12:** launch in one district; publish the first dashboard.
        """,
        "costs": "Budget €80,000 to €150,000 for the first year, plus 1 FTE for the service.",
        "lessons": """
            - Publish response times from day one; it keeps departments honest.
            - Keep the phone line: a third of our requests still come by phone.
        """,
        "replication": "Any city with a call centre and departments willing to share data.",
        "contacts": "Direction de l'innovation numérique, Ville de Lyon.",
        "outcomes": [
            ("Request types live at launch", "types", None, "5", "12 weeks", "Project plan"),
        ],
        "stage": "in_operation",
        "start_date": date(2023, 1, 9),
        "end_date": date(2023, 4, 3),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "100k-1m",
        "service_area": "Non-emergency requests",
        "needs_technology": True,
        "needs_procurement": True,
        "revisions": ["Added the week-by-week plan"],
        "adoptions": [
            (MONTREAL, "in_operation", date(2024, 3, 1), "Used to add two request types."),
            (TALLINN, "planning", date(2025, 2, 1), ""),
        ],
    },
    {
        "title": "Accueil unique : fusionner trois guichets en un rendez-vous en ligne",
        "kind": "best_practice",
        "author": CLAIRE,
        "organization": LYON,
        "language": "fr",
        "topics": ["service-design"],
        "sectors": ["social-services", "digital-and-it"],
        "levels": ["local"],
        "countries": ["FR"],
        "summary": """
            Les habitants prenaient trois rendez-vous pour l'état civil, les aides sociales et
            les inscriptions scolaires. Un seul rendez-vous en ligne, préparé avec la liste des
            pièces à apporter, a réduit de moitié les dossiers incomplets.
        """,
        "challenge": """
            Files d'attente le lundi matin, dossiers incomplets renvoyés, agents débordés dans
            trois services qui ne se parlaient pas.
        """,
        "context": "Neuf mairies d'arrondissement, 120 agents d'accueil, 300 000 visites par an.",
        "approach": """
            - Un formulaire unique qui pose **trois questions** pour orienter la demande.
            - La liste des pièces à apporter, envoyée avec la confirmation du rendez-vous.
            - Des agents polyvalents formés aux trois démarches les plus fréquentes.
        """,
        "implementation": """
            1. Observation des guichets pendant quatre semaines.
            2. Prototype papier testé avec 60 usagers.
            3. Paramétrage de l'outil de rendez-vous existant.
            4. Formation des agents (deux jours) puis ouverture arrondissement par arrondissement.
        """,
        "lessons": """
            - Les agents doivent co-écrire les questions d'orientation.
            - Garder un accueil sans rendez-vous pour les urgences sociales.
        """,
        "outcomes": [
            ("Dossiers incomplets", "%", "34", "16", "12 mois", "Logiciel de rendez-vous"),
            ("Attente moyenne au guichet", "minutes", "42", "9", "12 mois", "Comptage"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 2, 1),
        "end_date": date(2023, 1, 31),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "10k-100k",
        "service_area": "Accueil des usagers",
        "needs_skills": True,
        "cost_amount": "45000",
        "revisions": ["Chiffres après un an", "Leçons ajoutées avec les agents d'accueil"],
        "adoptions": [(METROPOLE, "planning", date(2025, 3, 10), "")],
    },
    {
        "title": "Marchés publics : une clause de réparabilité pour le mobilier urbain",
        "kind": "case_study",
        "author": CLAIRE,
        "co_authors": [LUCIA],
        "organization": LYON,
        "language": "fr",
        "topics": ["green-procurement", "waste"],
        "sectors": ["procurement", "environment"],
        "levels": ["local"],
        "countries": ["FR"],
        "summary": """
            Nos bancs, poubelles et abribus étaient remplacés entiers dès qu'une pièce cassait.
            Une clause imposant des pièces détachées disponibles dix ans a réduit les
            remplacements complets de 70 %.
        """,
        "challenge": "Mobilier jeté à la première casse, faute de pièces détachées.",
        "context": "Marché de mobilier urbain de 2,4 M€ sur quatre ans, renouvelé en 2022.",
        "approach": """
            - Critère noté à 20 % : disponibilité des pièces détachées pendant 10 ans.
            - Visserie standard, pas de collage.
            - Catalogue de pièces avec prix plafonnés dans le bordereau.
        """,
        "implementation": """
            1. Sourcing auprès de huit fabricants avant la publication.
            2. Rédaction de la clause avec le service juridique.
            3. Suivi annuel des réparations avec le titulaire.
        """,
        "lessons": "Le sourcing a rassuré les fabricants : cinq offres au lieu de deux.",
        "outcomes": [
            ("Remplacements complets", "par an", "310", "95", "2 ans", "Service propreté"),
            ("Offres reçues", "offres", "2", "5", "un marché", "Procès-verbal"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 1, 1),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "gt1m",
        "service_area": "Mobilier urbain",
        "needs_procurement": True,
        "needs_legal_basis": True,
        "revisions": ["Résultats après deux ans"],
        "adoptions": [(PROCUREMENT, "piloting", date(2024, 6, 1), "Clause reused for benches.")],
    },
    {
        "title": "Predictive maintenance for street lighting",
        "kind": "case_study",
        "author": CLAIRE,
        "organization": LYON_DIGITAL,
        "topics": ["energy-efficiency", "open-data"],
        "sectors": ["digital-and-it", "environment"],
        "levels": ["local"],
        "countries": ["FR"],
        "summary": """
            Can lamp failure data tell crews where to go first? A pilot in two districts ranks
            lamps by their failure history so that crews replace the riskiest ones on planned
            rounds instead of answering night-time reports.
        """,
        "challenge": "A third of the night-time fault reports concern the same 5% of lamps.",
        "approach": """
            The lighting management system's failure history ranks every lamp by risk; each
            month the crews' planned round starts with the twenty riskiest lamps.
        """,
        "stage": "pilot",
        # Submitted, waiting for the editor to invite reviewers.
        "review": "submitted",
        "note": "A pilot: the first six months of figures are in the outcomes once we have them.",
    },
    # --- Métropole de Lyon (Marc writes, Claire co-authors and publishes) -------------------
    {
        "title": "Rues des écoles : 40 rues fermées aux voitures aux heures d'entrée",
        "kind": "success_story",
        "author": MARC,
        "co_authors": [CLAIRE],
        "publisher": CLAIRE,
        "organization": METROPOLE,
        "language": "fr",
        "topics": ["mobility", "public-space"],
        "sectors": ["transport-and-mobility", "education"],
        "levels": ["regional", "local"],
        "countries": ["FR"],
        "summary": """
            Devant 40 écoles, la rue est fermée aux voitures 30 minutes à l'entrée et à la
            sortie. Les enfants venant à pied ou à vélo sont passés de 38 % à 54 %.
        """,
        "challenge": "Embouteillages et stationnement dangereux devant les écoles.",
        "context": "Métropole de 1,4 million d'habitants ; 59 communes ; 2 000 écoles.",
        "approach": """
            Barrières amovibles tenues par des agents et des parents volontaires ; arrêtés
            municipaux ; marquage au sol peint avec les enfants.
        """,
        "lessons": """
            - Associer les riverains dès le départ : la moitié des oppositions venaient d'eux.
            - Un an d'essai avant les aménagements définitifs.
        """,
        "outcomes": [
            ("Enfants venant à pied ou à vélo", "%", "38", "54", "1 an", "Enquête parents"),
            ("Voitures devant l'école à l'entrée", "par heure", "180", "12", "1 an", "Comptage"),
        ],
        "stage": "scaled",
        "start_date": date(2021, 9, 1),
        "end_date": date(2022, 6, 30),
        "jurisdiction_type": "region",
        "population_band": "1m-10m",
        "budget_band": "100k-1m",
        "service_area": "Mobilité scolaire",
        "needs_legal_basis": True,
        "revisions": ["Enquête parents de juin ajoutée"],
        "adoptions": [
            (BARCELONA, "in_operation", date(2023, 9, 11), "Protegim les escoles programme."),
            (AMSTERDAM, "piloting", date(2024, 4, 1), ""),
        ],
    },
    {
        "title": "Collecte des biodéchets en habitat collectif",
        "kind": "case_study",
        "author": MARC,
        "co_authors": [CLAIRE],
        "publisher": CLAIRE,
        "organization": METROPOLE,
        "language": "fr",
        "topics": ["waste"],
        "sectors": ["environment"],
        "levels": ["regional"],
        "countries": ["FR"],
        "summary": """
            Des bornes à biodéchets au pied de 900 immeubles, avec un seau fourni à chaque
            foyer : 11 kg de déchets alimentaires collectés par habitant et par an.
        """,
        "challenge": "L'obligation légale de tri à la source des biodéchets au 1er janvier 2024.",
        "context": "Immeubles collectifs de 12 communes, 180 000 foyers.",
        "approach": "Bornes en accès libre, seaux et sacs gratuits, ambassadeurs du tri.",
        "outcomes": [
            ("Biodéchets collectés", "kg/habitant/an", "0", "11", "18 mois", "Pesées"),
        ],
        "stage": "pilot",
        "start_date": date(2023, 3, 1),
        "jurisdiction_type": "region",
        "population_band": "100k-1m",
        "budget_band": "gt1m",
        "service_area": "Collecte des déchets",
        "needs_legal_basis": True,
        "revisions": ["Premières pesées"],
    },
    {
        "title": "Covoiturage domicile-travail : premières leçons",
        "kind": "practical_tip",
        "author": MARC,
        "organization": METROPOLE,
        "language": "fr",
        "topics": ["mobility"],
        "sectors": ["transport-and-mobility"],
        "levels": ["regional"],
        "countries": ["FR"],
        "summary": "Brouillon : ce qui a marché pour inciter les agents au covoiturage.",
        "approach": "Places réservées, garantie de retour en taxi, application commune.",
        "draft": True,
    },
    # --- Helsinki ---------------------------------------------------------------------------
    {
        "title": "Helsinki open data API: one catalogue for 600 city datasets",
        "kind": "success_story",
        "author": AINO,
        "organization": HELSINKI,
        "topics": ["open-data", "digital-services"],
        "sectors": ["digital-and-it"],
        "levels": ["local", "regional"],
        "countries": ["FI"],
        "summary": """
            All city datasets are published through one documented API with a stable address,
            a licence and a named owner. Developers, researchers and other departments now use
            the same data: 11 million API calls a month, from 200,000 five years ago.
        """,
        "challenge": """
            Datasets were spread over department websites as spreadsheets, updated irregularly
            and without licences; developers scraped them and broke when pages changed.
        """,
        "context": """
            City of Helsinki (670,000 residents) and the regional data portal shared with three
            neighbouring cities. A central data team of six people.
        """,
        "approach": """
            - One catalogue, **every dataset with an owner** in its department.
            - Open by default under CC BY 4.0; exceptions decided by the data team.
            - A stable REST API with versioning; old versions kept for 12 months.
            - Usage statistics sent back to the owners each month.
        """,
        "implementation": """
            1. Inventory of 900 datasets with the departments (6 months).
            2. Data owner role written into job descriptions.
            3. API gateway procured under the city's cloud framework.
            4. Migration in waves, starting with the 50 most requested datasets.
        """,
        "lessons": """
            - Owners publish when they see who uses their data.
            - Versioning saved us: three apps would have broken in the first year.
            - Budget for documentation; it is half of the work.
        """,
        "replication": "A data team with a mandate from the city manager, and named owners.",
        "contacts": "Open data lead, City of Helsinki (aino.virtanen@hel.fi).",
        "costs": "€350,000 over five years, plus the data team.",
        "cost_amount": "350000",
        "staff_fte": "6",
        "outcomes": [
            ("Datasets published through the API", "datasets", "90", "640", "5 years", "HRI"),
            ("API calls per month", "million", "0.2", "11", "5 years", "API gateway logs"),
            ("Departments with a named data owner", "%", "15", "100", "5 years", "Catalogue"),
        ],
        "links": [
            ("website", "https://hri.fi/en_gb/", "Helsinki Region Infoshare"),
            ("document", "https://data.example.org/helsinki/api-guidelines", "API guidelines"),
        ],
        "stage": "scaled",
        "start_date": date(2019, 1, 1),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "100k-1m",
        "service_area": "Open data",
        "needs_data": True,
        "needs_technology": True,
        "needs_skills": True,
        "prerequisites": "Departments willing to name a data owner; an API gateway.",
        "revisions": ["Updated the API usage for 2024", "Added the lessons on versioning"],
        "adoptions": [
            (BARCELONA, "in_operation", date(2022, 11, 1), "Catalogue rebuilt on the model."),
            (TALLINN, "in_operation", date(2023, 2, 1), ""),
            (LYON, "piloting", date(2024, 1, 10), "Starting with mobility data."),
            (AMSTERDAM, "in_operation", date(2022, 6, 1), ""),
            (DGA, "planning", date(2025, 4, 1), "For federal datasets."),
        ],
    },
    {
        "title": "Service design sprints with residents: a two-week format",
        "kind": "best_practice",
        "author": AINO,
        "organization": HELSINKI,
        "topics": ["service-design", "participation"],
        "sectors": ["digital-and-it", "social-services"],
        "levels": ["local"],
        "countries": ["FI"],
        "summary": """
            A two-week sprint in which a service team, residents and a designer reshape one
            service: one week to understand, one week to prototype and test. Twenty-two sprints
            so far; 17 led to a change that is still in place.
        """,
        "challenge": "Service changes were designed in meetings, without the people using them.",
        "context": "City divisions with no designers of their own; a central team of four.",
        "approach": """
            - **Day 1-5:** interviews, shadowing, a journey map on the wall.
            - **Day 6-10:** paper and clickable prototypes tested with eight residents a day.
            - A decision meeting with the service head on day 10, no slides.
        """,
        "lessons": "The service head must attend the last day, or nothing changes.",
        "outcomes": [
            ("Sprints leading to a lasting change", "%", None, "77", "3 years", "Team log"),
        ],
        "stage": "in_operation",
        "start_date": date(2021, 3, 1),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "10k-100k",
        "service_area": "All resident services",
        "needs_skills": True,
        "revisions": ["Added the three-year review"],
        "adoptions": [
            (HEALTH, "in_operation", date(2023, 5, 2), "Used for the referral letters."),
            (LYON, "in_operation", date(2022, 10, 3), ""),
        ],
    },
    {
        "title": "Mapping urban heat islands with open satellite data",
        "kind": "case_study",
        "author": AINO,
        "organization": HELSINKI,
        "topics": ["climate-adaptation", "open-data"],
        "sectors": ["environment", "urban-planning"],
        "levels": ["local"],
        "countries": ["FI"],
        "summary": """
            Surface temperatures from open satellite data, combined with the city's tree
            register, show the 40 blocks that heat most in summer. Planting and shade
            structures now go there first.
        """,
        "challenge": "Heat waves are getting longer; the old tree-planting plan ignored heat.",
        "context": "Helsinki's environment division, with the university's remote sensing lab.",
        "approach": "Landsat and Sentinel thermal bands, 30 m grid, checked with 25 sensors.",
        "implementation": """
            1. Research agreement with the university (no tender).
            2. Heat map published as open data and in the planning GIS.
            3. Planting priorities revised with the parks department.
        """,
        "lessons": "Ground sensors were essential: satellite temperatures misled on roofs.",
        "outcomes": [
            ("Trees planted in the hottest blocks", "trees", "120", "1900", "2 years", "Register"),
            ("Surface temperature, hottest block", "°C", "41", "37.5", "2 summers", "Landsat"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 5, 1),
        "end_date": date(2024, 9, 30),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "10k-100k",
        "service_area": "Climate adaptation",
        "needs_data": True,
        "needs_skills": True,
        "cost_amount": "60000",
        "revisions": ["Second summer's temperatures"],
        "adoptions": [
            (BARCELONA, "in_operation", date(2024, 6, 1), "Combined with climate shelters."),
            (METROPOLE, "planning", date(2025, 5, 5), ""),
        ],
    },
    {
        "title": "Energy retrofits of 120 schools through an energy performance contract",
        "kind": "case_study",
        "author": AINO,
        "organization": HELSINKI,
        "topics": ["energy-efficiency", "innovation-procurement"],
        "sectors": ["environment", "education", "procurement"],
        "levels": ["local"],
        "countries": ["FI"],
        "summary": """
            A contractor renovated heating, ventilation and lighting in 120 school buildings
            and is paid from the energy it saves. Heating energy fell by 24% in three years.
        """,
        "challenge": "No capital budget for retrofits; energy prices doubled in 2022.",
        "context": "School buildings of 1960-1990; the facilities department of the city.",
        "approach": "A 10-year energy performance contract with a guaranteed saving.",
        "implementation": """
            1. Energy audit of all buildings.
            2. Competitive dialogue with three consortia.
            3. Measurement and verification plan agreed before signature.
        """,
        "lessons": "Agree the baseline and the weather correction before anything else.",
        "outcomes": [
            ("Heating energy use", "GWh/year", "98", "74.5", "3 years", "Metering"),
        ],
        "stage": "in_operation",
        "start_date": date(2021, 1, 1),
        "cost_amount": "18000000",
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "gt1m",
        "service_area": "School buildings",
        "needs_procurement": True,
        "needs_data": True,
        "revisions": ["Verified savings for year three"],
        "adoptions": [(TALLINN, "piloting", date(2024, 8, 1), "Twelve kindergartens.")],
    },
    {
        "title": "What went wrong with our permit chatbot",
        "kind": "case_study",
        "author": AINO,
        "organization": HELSINKI,
        "visibility": "members",
        "topics": ["service-design", "digital-services"],
        "sectors": ["digital-and-it"],
        "levels": ["local"],
        "countries": ["FI"],
        "summary": """
            We launched a chatbot to answer questions about building permits and switched it off
            after nine months. Residents asked questions it could not answer and calls to the
            permit desk went up. A candid account for colleagues considering the same.
        """,
        "challenge": "The permit desk received 2,000 calls a month, mostly the same questions.",
        "context": "Building control, 60 staff. Chatbot bought as a service from a vendor.",
        "approach": "A scripted chatbot trained on the FAQ, on the permit pages.",
        "lessons": """
            - Most questions were about *one* application, which the bot could not see.
            - We measured chats, not whether the question was answered.
            - Rewriting the permit pages (done afterwards) cut calls by 30%.
        """,
        "outcomes": [
            ("Calls to the permit desk", "per month", "2000", "2300", "9 months", "Telephony"),
        ],
        "stage": "discontinued",
        "start_date": date(2020, 2, 1),
        "end_date": date(2020, 11, 1),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "10k-100k",
        "service_area": "Building permits",
        "revisions": ["What we did instead"],
    },
    # --- Barcelona --------------------------------------------------------------------------
    {
        "title": "Participatory budgeting in Barcelona: €30 million decided by residents",
        "kind": "case_study",
        "author": JORDI,
        "organization": BARCELONA,
        "topics": ["participatory-budgeting", "participation"],
        "sectors": ["finance-and-budget", "urban-planning"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            Residents proposed 822 projects and voted for 76, which the city built with €30
            million of its capital budget. 39,000 people voted, a third of them for the first
            time in any city process.
        """,
        "challenge": "Low trust in neighbourhood investments decided far from residents.",
        "context": "Ten districts, 1.6 million residents; an open source participation platform.",
        "approach": """
            - Proposals online and in 70 face-to-face sessions.
            - Technical review by districts, with reasons published for every rejection.
            - Voting online and at libraries, from age 14.
        """,
        "implementation": """
            1. Rules approved by the council (3 months).
            2. Proposal phase (2 months), review (3 months), vote (3 weeks).
            3. Projects tracked publicly until completion.
        """,
        "lessons": """
            - Publish why proposals are rejected: it was the most visited page.
            - Face-to-face sessions brought the residents the platform did not reach.
            - Completion is slow: say so at the start.
        """,
        "outcomes": [
            ("Residents voting", "people", None, "39000", "one cycle", "Platform"),
            ("Projects completed within two years", "%", None, "61", "2 years", "Tracker"),
        ],
        "links": [("repository", "https://github.com/decidim/decidim", "Decidim")],
        "stage": "in_operation",
        "start_date": date(2020, 10, 1),
        "end_date": date(2022, 12, 31),
        "cost_amount": "30000000",
        "staff_fte": "8",
        "jurisdiction_type": "municipality",
        "population_band": "1m-10m",
        "budget_band": "gt1m",
        "service_area": "Capital investment",
        "needs_legal_basis": True,
        "needs_technology": True,
        "revisions": ["Completion rate after two years", "Lessons from the district teams"],
        "adoptions": [
            (LYON, "in_operation", date(2022, 3, 1), "Budget participatif, €25 million."),
            (HELSINKI, "in_operation", date(2021, 10, 1), "OmaStadi."),
            (MONTREAL, "in_operation", date(2023, 1, 15), ""),
            (TALLINN, "piloting", date(2024, 3, 1), "Two districts."),
        ],
    },
    {
        "title": "Presupuestos participativos: cómo revisar 800 propuestas con 10 técnicos",
        "kind": "implementation_guide",
        "author": JORDI,
        "organization": BARCELONA,
        "language": "es",
        "topics": ["participatory-budgeting"],
        "sectors": ["finance-and-budget"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            Cómo organizamos la revisión técnica de 822 propuestas ciudadanas en tres meses:
            criterios comunes, fichas de coste estándar y respuestas publicadas para cada una.
        """,
        "context": "Diez distritos, diez técnicos a media jornada, tres meses.",
        "approach": "Criterios comunes publicados antes de la fase de propuestas.",
        "implementation": """
            1. Agrupar propuestas similares (un 30 % eran duplicadas).
            2. Fichas de coste estándar por tipo de obra.
            3. Revisión cruzada entre distritos para los casos dudosos.
            4. Respuesta pública con los motivos, en lenguaje claro.
        """,
        "lessons": "Las fichas de coste estándar ahorraron la mitad del tiempo.",
        "outcomes": [
            ("Propuestas revisadas", "propuestas", None, "822", "3 meses", "Plataforma"),
        ],
        "stage": "in_operation",
        "start_date": date(2021, 1, 10),
        "end_date": date(2021, 4, 10),
        "jurisdiction_type": "municipality",
        "population_band": "1m-10m",
        "budget_band": "10k-100k",
        "service_area": "Participación",
        "needs_skills": True,
        "revisions": ["Añadidas las fichas de coste"],
        "adoptions": [(MONTREAL, "in_operation", date(2023, 6, 1), "")],
    },
    {
        "title": "Asamblea ciudadana por sorteo sobre la emergencia climática",
        "kind": "case_study",
        "author": JORDI,
        "organization": BARCELONA,
        "language": "es",
        "topics": ["citizen-assemblies", "climate-adaptation"],
        "sectors": ["environment"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            Cien residentes elegidos por sorteo deliberaron durante seis fines de semana y
            aprobaron 38 recomendaciones; el ayuntamiento respondió a todas y aplica 27.
        """,
        "challenge": "Decidir medidas climáticas con apoyo más allá de los ya convencidos.",
        "context": "Sorteo estratificado por edad, género, distrito y nivel de estudios.",
        "approach": "Expertos independientes, facilitación profesional, compensación económica.",
        "lessons": "Compensar a los participantes fue clave para la diversidad.",
        "outcomes": [
            ("Recomendaciones aplicadas", "%", None, "71", "2 años", "Seguimiento municipal"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 1, 15),
        "end_date": date(2022, 5, 30),
        "cost_amount": "210000",
        "jurisdiction_type": "municipality",
        "population_band": "1m-10m",
        "budget_band": "100k-1m",
        "service_area": "Política climática",
        "revisions": ["Seguimiento a dos años"],
        "adoptions": [(AMSTERDAM, "in_operation", date(2023, 3, 1), "")],
    },
    {
        "title": "Superblocks: giving street space back to people",
        "kind": "best_practice",
        "author": JORDI,
        "organization": BARCELONA,
        "topics": ["public-space", "mobility"],
        "sectors": ["urban-planning", "transport-and-mobility"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            A superblock groups nine city blocks; through traffic goes around, and the inner
            streets become squares and green space. Nitrogen dioxide fell by a quarter in the
            first superblock streets.
        """,
        "challenge": "60% of street space went to cars, which made 25% of the trips.",
        "context": "Dense grid of the Eixample district, 1.6 million residents in the city.",
        "approach": """
            - Tactical urbanism first: paint, planters and benches, reversible in a night.
            - Permanent works only after a year of use and consultation.
        """,
        "lessons": "Start with paint; people judge what they can try.",
        "outcomes": [
            ("Nitrogen dioxide in superblock streets", "µg/m³", "45", "33", "3 years", "Sensors"),
            ("Street space for pedestrians", "%", "45", "74", "3 years", "Urban planning"),
        ],
        "stage": "scaled",
        "start_date": date(2016, 9, 1),
        "jurisdiction_type": "municipality",
        "population_band": "1m-10m",
        "budget_band": "gt1m",
        "service_area": "Public space",
        "needs_legal_basis": True,
        "revisions": ["Air quality figures for 2023"],
        "adoptions": [
            (METROPOLE, "piloting", date(2024, 5, 1), "Two inner-city blocks."),
            (AMSTERDAM, "planning", date(2025, 2, 1), ""),
            (MONTREAL, "piloting", date(2024, 7, 1), ""),
        ],
    },
    {
        "title": "Vivienda vacía: una garantía municipal de alquiler",
        "kind": "best_practice",
        "author": JORDI,
        "organization": BARCELONA,
        "language": "es",
        "topics": ["housing"],
        "sectors": ["social-services", "urban-planning"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            El ayuntamiento garantiza el cobro del alquiler y la rehabilitación a cambio de
            alquilar a precio asequible durante siete años: 1.100 pisos vacíos recuperados.
        """,
        "challenge": "Miles de pisos vacíos mientras crecían las listas de vivienda social.",
        "context": "Bolsa de alquiler municipal; propietarios pequeños.",
        "approach": "Garantía de cobro, ayudas a la rehabilitación, gestión municipal.",
        "outcomes": [
            ("Pisos vacíos puestos en alquiler", "pisos", None, "1100", "5 años", "Bolsa"),
        ],
        "stage": "in_operation",
        "start_date": date(2018, 1, 1),
        "jurisdiction_type": "municipality",
        "population_band": "1m-10m",
        "budget_band": "gt1m",
        "service_area": "Vivienda",
        "needs_legal_basis": True,
        "revisions": ["Datos de 2023"],
        # The editor asked for the costs of the guarantee before publishing it.
        "review": "changes_requested",
    },
    {
        "title": "A data breach in our consultation platform: the first 72 hours",
        "kind": "practical_tip",
        "author": JORDI,
        "organization": BARCELONA,
        "visibility": "verified",
        "topics": ["digital-services", "participation"],
        "sectors": ["digital-and-it"],
        "levels": ["local"],
        "countries": ["ES"],
        "summary": """
            A misconfigured export exposed the email addresses of 3,000 participants for two
            days. What we did hour by hour, and what we would do differently. Shared with
            verified public servants only.
        """,
        "approach": """
            - **Hour 0-4:** close the export, keep the logs, call the data protection officer.
            - **Hour 4-24:** assess who was exposed; prepare the notification.
            - **Hour 24-72:** notify the authority and the people, in plain words.
        """,
        "lessons": """
            - Have the notification letter drafted *before* you need it.
            - Residents forgave the error; they would not have forgiven silence.
        """,
        "revisions": ["Added the notification checklist"],
    },
    # --- Ministry of Health and its Waiting Times Unit --------------------------------------
    {
        "title": "Cutting outpatient waiting times with clinical triage of referrals",
        "kind": "best_practice",
        "author": PRIYA,
        "organization": WAITING,
        "topics": ["waiting-times", "health-data"],
        "sectors": ["health"],
        "levels": ["national"],
        "countries": ["GB"],
        "summary": """
            Consultants review every routine referral within five days and either book an
            appointment, order tests first, or send advice to the GP. The median wait for a
            first outpatient appointment fell from 18 to 11 weeks in 18 months.
        """,
        "challenge": """
            Waiting lists for first outpatient appointments grew by 40% in three years; one in
            seven appointments ended with "this could have been handled by the GP".
        """,
        "context": """
            A national waiting-time reform, piloted in 14 hospitals before national roll-out;
            referrals are electronic in most areas.
        """,
        "approach": """
            - **Advice and guidance:** the consultant can reply to the GP instead of booking.
            - **Straight to test:** tests are ordered before the first appointment.
            - A national tariff for triage, so hospitals are paid for the work.
        """,
        "implementation": """
            1. Pilot in 14 hospitals, three specialties (12 months).
            2. Tariff change in the national payment rules.
            3. Roll-out with a dashboard of waits by hospital and specialty.
        """,
        "lessons": """
            - Pay for triage, or it is done last.
            - GPs need a reply within five days, or they stop using it.
            - Track returns: some referrals came back a year later.
        """,
        "replication": "Electronic referrals and a way to pay hospitals for triage.",
        "contacts": "Waiting Times Unit (priya.shah@health.gov.example).",
        "costs": "Triage tariff of €28 per referral; dashboard development €400,000.",
        "cost_amount": "400000",
        "outcomes": [
            (
                "Median wait for a first outpatient appointment",
                "weeks",
                "18",
                "11",
                "18 months",
                "National waiting-list data",
            ),
            (
                "Referrals answered with advice instead of an appointment",
                "%",
                "0",
                "14",
                "18 months",
                "Referral system",
            ),
            ("Referrals returning within a year", "%", None, "3.5", "12 months", "Audit"),
        ],
        "stage": "scaled",
        "start_date": date(2021, 4, 1),
        "end_date": date(2022, 10, 1),
        "jurisdiction_type": "ministry",
        "population_band": "gt10m",
        "budget_band": "gt1m",
        "service_area": "Outpatient care",
        "needs_data": True,
        "needs_legal_basis": True,
        "revisions": ["Figures from the national roll-out", "Lessons on returning referrals"],
        "adoptions": [
            (DENMARK, "in_operation", date(2023, 9, 1), "Visitation of referrals."),
            (HELSINKI, "piloting", date(2024, 10, 1), "Two specialties at city hospitals."),
            (TALLINN, "planning", date(2025, 3, 1), ""),
        ],
    },
    {
        "title": "Plain-language letters: five rules that cut helpline calls by 40%",
        "kind": "practical_tip",
        "author": PRIYA,
        "organization": HEALTH,
        "topics": ["service-design"],
        "sectors": ["health", "social-services"],
        "levels": ["national"],
        "countries": ["GB"],
        "summary": """
            We rewrote the appointment letter with five rules and tested it with patients.
            Calls to the helpline about appointments fell by 40% in three months.
        """,
        "approach": """
            1. **Start with what the reader must do**, and by when.
            2. One idea per sentence; sentences under 20 words.
            3. Say "you" and "we"; no passive voice.
            4. Put dates, times and places in a box at the top.
            5. Test with five readers before sending: they will find what you missed.
        """,
        "lessons": """
            - Legal text can go at the end, under a heading; it need not go first.
            - Readability scores help, but five readers help more.
        """,
        "revisions": ["Added the legal-text tip"],
        "adoptions": [
            (LYON, "in_operation", date(2023, 11, 1), "Our 40 letter templates."),
            (DGA, "in_operation", date(2024, 2, 1), "In the federal style guide."),
            (PROCUREMENT, "piloting", date(2024, 9, 1), "Tender award letters."),
        ],
    },
    {
        "title": "Publishing weekly waiting-list data as open data",
        "kind": "success_story",
        "author": PRIYA,
        "organization": WAITING,
        "topics": ["health-data", "open-data", "waiting-times"],
        "sectors": ["health", "digital-and-it"],
        "levels": ["national"],
        "countries": ["GB"],
        "summary": """
            Waiting lists by hospital and specialty are published every Thursday as CSV and
            through an API. Patients and GPs use them to choose; journalists stopped filing
            freedom-of-information requests for them.
        """,
        "challenge": "Monthly PDFs, three months late, and 300 information requests a year.",
        "context": "National waiting-list collection from 150 hospitals.",
        "approach": "Automated weekly extract, checks, and publication without manual steps.",
        "outcomes": [
            (
                "Information requests about waiting lists",
                "per year",
                "300",
                "40",
                "2 years",
                "FOI log",
            ),
            ("Delay between collection and publication", "days", "90", "4", "2 years", "Unit"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 1, 6),
        "jurisdiction_type": "ministry",
        "population_band": "gt10m",
        "budget_band": "100k-1m",
        "service_area": "Health statistics",
        "needs_data": True,
        "revisions": ["Two years of figures"],
        "adoptions": [(DENMARK, "in_operation", date(2024, 1, 1), "")],
    },
    {
        "title": "Waiting-time guarantees: what twelve countries do and what it changes",
        "kind": "policy_analysis",
        "author": PRIYA,
        "co_authors": [SAM],
        "organization": HEALTH,
        "topics": ["waiting-times", "health-administration"],
        "sectors": ["health"],
        "levels": ["national", "international"],
        "countries": ["GB", "DK", "FI", "ES", "EE", "NL"],
        "summary": """
            A comparison of waiting-time guarantees in twelve European health systems: the
            maximum waits promised, what patients can do when they are broken, and what the
            evidence says about their effect on waits and on fairness.
        """,
        "challenge": "Ministers asked whether a legal guarantee would shorten waits.",
        "context": "Desk review of laws and evaluations, and interviews in six ministries.",
        "approach": """
            Three families of guarantees: **targets** without sanctions, **rights** to treatment
            elsewhere, and **payment** rules. Guarantees work when paired with capacity and
            data; alone they shift waits between specialties.
        """,
        "lessons": "A guarantee without a waiting-list audit mostly changes how lists are kept.",
        "replication": "Any ministry with national waiting-list data.",
        "outcomes": [
            ("Countries reviewed", "countries", None, "12", "2023", "Analysis"),
        ],
        "stage": "in_operation",
        "jurisdiction_type": "ministry",
        "population_band": "gt10m",
        "revisions": ["Added Denmark and Estonia"],
        "adoptions": [(DENMARK, "planning", date(2024, 11, 1), "Input to the regional review.")],
    },
    {
        "title": "Validating waiting lists: removing duplicates without harming patients",
        "kind": "case_study",
        "author": PRIYA,
        "organization": WAITING,
        "visibility": "members",
        "topics": ["waiting-times", "health-data"],
        "sectors": ["health"],
        "levels": ["national", "regional"],
        "countries": ["GB"],
        "summary": """
            9% of the entries on waiting lists were duplicates or patients already treated
            elsewhere. How we validated lists by letter and phone, and the two patients we
            almost removed by mistake.
        """,
        "challenge": "Waiting lists overstated demand; planning used the wrong numbers.",
        "context": "Eight hospitals, 410,000 entries.",
        "approach": "Automated matching, then a letter, then a call; clinicians sign off removals.",
        "lessons": "Never remove on a non-reply alone; two of those patients were in hospital.",
        "outcomes": [
            (
                "Entries removed as duplicates or already treated",
                "%",
                None,
                "9",
                "6 months",
                "Validation",
            ),
        ],
        "stage": "pilot",
        "start_date": date(2023, 2, 1),
        "end_date": date(2023, 8, 1),
        "jurisdiction_type": "health_body",
        "population_band": "1m-10m",
        "budget_band": "100k-1m",
        "service_area": "Waiting-list management",
        "needs_data": True,
        "revisions": ["Clinical sign-off step added"],
        "adoptions": [(DENMARK, "piloting", date(2024, 3, 1), "")],
    },
    {
        "title": "Data protection impact assessment template for new digital services",
        "kind": "tool_template",
        "author": PRIYA,
        "co_authors": [SAM],
        "organization": HEALTH,
        "topics": ["health-data", "digital-identity"],
        "sectors": ["health", "digital-and-it"],
        "levels": ["national", "regional", "local"],
        "countries": ["GB"],
        "licence": "CC0-1.0",
        "summary": """
            A DPIA template in eleven questions, with worked examples from three health
            services, that a product team can fill in during discovery rather than before
            go-live. Reviewed by two data protection officers.
        """,
        "approach": """
            The template follows the GDPR article 35 structure but asks questions a product
            team can answer: *what data, why, who sees it, how long, what could go wrong*.
            Each question has an example answer and a "red flag" to call the DPO.
        """,
        "implementation": """
            1. Fill in questions 1-5 in discovery, 6-11 in alpha.
            2. Review with the DPO at the end of alpha.
            3. Publish the summary with the service.
        """,
        "contacts": "Information governance team, Ministry of Health (Example).",
        "jurisdiction_type": "ministry",
        "population_band": "gt10m",
        "budget_band": "lt10k",
        "service_area": "Any digital service handling personal data",
        "needs_legal_basis": True,
        "links": [("document", "https://docs.example.org/dpia-template.odt", "Template")],
        "revisions": ["Worked examples from the referral service"],
        "adoptions": [
            (HELSINKI, "in_operation", date(2024, 4, 1), "Translated into Finnish."),
            (DGA, "in_operation", date(2024, 6, 1), ""),
            (LYON, "piloting", date(2025, 1, 15), ""),
        ],
    },
    {
        "title": "Pharmacist-led medication reviews for older patients",
        "kind": "success_story",
        "author": PRIYA,
        "organization": HEALTH,
        "topics": ["primary-care"],
        "sectors": ["health"],
        "levels": ["national", "local"],
        "countries": ["GB"],
        "summary": """
            Pharmacists in GP practices review the medicines of patients over 75 taking ten or
            more. Emergency admissions for medication problems fell by a fifth.
        """,
        "challenge": "One emergency admission in 15 among older patients is due to medicines.",
        "context": "120 GP practices in four regions.",
        "approach": "A structured review with the patient, then a plan agreed with the GP.",
        "outcomes": [
            (
                "Admissions for medication problems",
                "per 1,000 patients",
                "31",
                "25",
                "1 year",
                "Hospital episode data",
            ),
        ],
        "stage": "scaled",
        "start_date": date(2020, 10, 1),
        "jurisdiction_type": "ministry",
        "population_band": "1m-10m",
        "budget_band": "gt1m",
        "service_area": "Primary care",
        "needs_skills": True,
        "revisions": ["One-year evaluation"],
        "adoptions": [(DENMARK, "piloting", date(2024, 2, 1), "")],
    },
    {
        "title": "A digital front door for primary care: options",
        "kind": "policy_analysis",
        "author": PRIYA,
        "organization": HEALTH,
        "topics": ["primary-care", "digital-services"],
        "sectors": ["health"],
        "levels": ["national"],
        "countries": ["GB"],
        "summary": """
            Options paper: one national app, regional apps, or open standards for booking and
            messaging a GP practice? The three options compared on cost, take-up, access for
            people who do not use apps, and the risk of being locked in to one supplier.
        """,
        "challenge": "Patients use four different apps to reach their GP.",
        "approach": """
            Evidence from four countries that chose differently, interviews with twelve GP
            practices, and a cost model over ten years for each option.
        """,
        # In review: one of the two reviewers has sent their review.
        "review": "in_review",
    },
    # --- Tallinn and the Public Procurement Office ------------------------------------------
    {
        "title": "Innovation procurement in Tallinn: buying outcomes for school transport",
        "kind": "case_study",
        "author": KADRI,
        "organization": TALLINN,
        "topics": ["innovation-procurement", "mobility"],
        "sectors": ["procurement", "transport-and-mobility", "education"],
        "levels": ["local"],
        "countries": ["EE"],
        "summary": """
            Instead of specifying buses and routes, the city described the outcome: every pupil
            at school by 8:00, at most 45 minutes on board. Four bidders instead of one, and
            the cost per pupil fell by 18%.
        """,
        "challenge": "One incumbent bidder, rising prices and complaints about long rides.",
        "context": "School transport for 3,200 pupils in the city and two suburbs.",
        "approach": """
            - Outcome-based specification, with route design left to bidders.
            - Open market consultation with 11 companies before the tender.
            - Payment partly linked to punctuality measured by GPS.
        """,
        "implementation": """
            1. Market consultation (2 months) and a published needs statement.
            2. Competitive procedure with negotiation.
            3. Contract with monthly punctuality reports and a bonus-malus.
        """,
        "lessons": """
            - The market consultation was what brought new bidders.
            - Define "on time" precisely; we argued about it for a month.
        """,
        "outcomes": [
            ("Bidders per tender", "bidders", "1", "4", "one tender", "Procurement register"),
            ("Cost per pupil per year", "EUR", "1240", "1017", "first year", "Finance"),
            ("Rides longer than 45 minutes", "%", "22", "4", "first year", "GPS data"),
        ],
        "stage": "in_operation",
        "start_date": date(2022, 2, 1),
        "end_date": date(2023, 8, 31),
        "cost_amount": "3250000",
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "gt1m",
        "service_area": "School transport",
        "needs_procurement": True,
        "needs_data": True,
        "revisions": ["First-year figures", "Lessons on measuring punctuality"],
        "adoptions": [
            (HELSINKI, "planning", date(2025, 1, 1), ""),
            (PROCUREMENT, "in_operation", date(2024, 1, 1), "Used in the national guide."),
        ],
    },
    {
        "title": "Pre-commercial procurement in ten steps",
        "kind": "implementation_guide",
        "author": KADRI,
        "co_authors": [LUCIA],
        "organization": TALLINN,
        "topics": ["innovation-procurement"],
        "sectors": ["procurement"],
        "levels": ["local", "national"],
        "countries": ["EE", "IT"],
        "summary": """
            How to buy research and development of a solution that does not exist yet, in
            competing phases, within the EU rules, from the needs statement to the follow-up
            tender.
        """,
        "context": "Based on three pre-commercial procurements in Tallinn and two in Italy.",
        "approach": "Competing suppliers in three phases: design, prototype, field test.",
        "implementation": """
            1. Write the needs statement with users.
            2. Check the market: does a solution already exist?
            3. Set the budget for the three phases.
            4. Publish and hold an open day.
            5. Select 4-6 suppliers for the design phase.
            6. Evaluate and keep 2-3 for prototypes.
            7. Field test with 1-2.
            8. Agree the rights on results.
            9. Evaluate the tests openly.
            10. Prepare the follow-up tender for deployment.
        """,
        "lessons": "Plan the follow-up tender from the start, or prototypes die on the shelf.",
        "outcomes": [
            (
                "Pre-commercial procurements completed",
                "procurements",
                None,
                "3",
                "4 years",
                "Tallinn",
            ),
        ],
        "stage": "in_operation",
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "budget_band": "100k-1m",
        "service_area": "Procurement",
        "needs_procurement": True,
        "needs_legal_basis": True,
        "revisions": ["Step 8 on rights clarified"],
        "adoptions": [(PROCUREMENT, "in_operation", date(2023, 5, 1), "")],
    },
    {
        "title": "Market consultation before a tender: a one-page checklist",
        "kind": "practical_tip",
        "author": KADRI,
        "organization": TALLINN,
        "topics": ["innovation-procurement", "procurement"],
        "sectors": ["procurement"],
        "levels": ["local", "regional", "national"],
        "countries": ["EE"],
        "summary": "Ten questions to settle before you talk to suppliers, and three traps.",
        "approach": """
            - Publish the consultation notice; talk to everyone who answers.
            - Share the same information with all, in writing.
            - Ask about the *problem*, not about their product.
            - Keep notes of every meeting in the file.
        """,
        "lessons": "Trap: a consultation with one supplier writes the specification for them.",
        "revisions": ["Added the three traps"],
        "adoptions": [
            (LYON, "in_operation", date(2023, 6, 1), ""),
            (PROCUREMENT, "in_operation", date(2023, 2, 1), ""),
        ],
    },
    {
        "title": "Green procurement criteria for IT equipment: a ready-to-use set",
        "kind": "tool_template",
        "author": LUCIA,
        "co_authors": [KADRI],
        "publisher": KADRI,
        "organization": PROCUREMENT,
        "topics": ["green-procurement", "energy-efficiency"],
        "sectors": ["procurement", "environment", "digital-and-it"],
        "levels": ["national", "regional", "local"],
        "countries": ["IT", "EE"],
        "summary": """
            Selection criteria, technical specifications, award criteria and contract clauses
            for laptops, monitors and phones, ready to paste into a tender: energy use,
            repairability, spare parts, take-back and recycled plastics.
        """,
        "approach": """
            Each criterion has the text for the tender, how to verify it (label or test
            report), and the price impact we observed.
        """,
        "implementation": """
            1. Choose the *core* or *comprehensive* level.
            2. Paste the clauses; adjust the volumes.
            3. Ask for the verification documents listed.
        """,
        "contacts": "Public Procurement Office (Example), green procurement desk.",
        "licence": "CC-BY-4.0",
        "jurisdiction_type": "national_agency",
        "population_band": "gt10m",
        "budget_band": "lt10k",
        "service_area": "IT purchasing",
        "needs_procurement": True,
        "links": [("document", "https://docs.example.org/green-it-criteria.docx", "Criteria")],
        "revisions": ["Added phones", "Price impact from 14 tenders"],
        "adoptions": [
            (TALLINN, "in_operation", date(2023, 9, 1), ""),
            (LYON, "in_operation", date(2024, 3, 1), ""),
            (HELSINKI, "piloting", date(2024, 5, 1), ""),
            (DGA, "planning", date(2025, 6, 1), ""),
        ],
    },
    {
        "title": "Open contracting: every contract above €10,000 published in OCDS",
        "kind": "success_story",
        "author": LUCIA,
        "co_authors": [KADRI],
        "publisher": KADRI,
        "organization": PROCUREMENT,
        "topics": ["open-contracting", "open-data"],
        "sectors": ["procurement"],
        "levels": ["national"],
        "countries": ["IT"],
        "summary": """
            All contracts above €10,000, from planning to payment, are published in the Open
            Contracting Data Standard. Single-bid tenders fell from 31% to 22%.
        """,
        "challenge": "Single-bid tenders and contract changes nobody could follow.",
        "context": "National procurement office; 1,200 contracting authorities report to it.",
        "approach": "Publication required by decree; a validator that rejects incomplete data.",
        "outcomes": [
            ("Single-bid tenders", "%", "31", "22", "3 years", "OCDS data"),
            ("Contracts published with all stages", "%", "12", "88", "3 years", "Validator"),
        ],
        "links": [("website", "https://standard.open-contracting.org/", "OCDS")],
        "stage": "scaled",
        "start_date": date(2020, 1, 1),
        "jurisdiction_type": "national_agency",
        "population_band": "gt10m",
        "budget_band": "gt1m",
        "service_area": "Public procurement",
        "needs_legal_basis": True,
        "needs_data": True,
        "revisions": ["Third-year figures"],
        "adoptions": [
            (TALLINN, "in_operation", date(2022, 1, 1), ""),
            (MONTREAL, "piloting", date(2024, 10, 1), ""),
        ],
    },
    {
        "title": "Circular workwear: leasing uniforms instead of buying them",
        "kind": "best_practice",
        "author": LUCIA,
        "organization": PROCUREMENT,
        "topics": ["green-procurement", "waste"],
        "sectors": ["procurement", "environment"],
        "levels": ["national"],
        "countries": ["IT"],
        "summary": "Draft: a lease contract for 8,000 uniforms with repair and take-back.",
        "challenge": "Uniforms were bought every year and discarded.",
        "draft": True,
    },
    # --- Researchers and the Digital Government Agency --------------------------------------
    {
        "title": "Digital identity for public services: policy options and trade-offs",
        "kind": "policy_analysis",
        "author": SAM,
        "co_authors": [KADRI],
        "publisher": KADRI,
        "topics": ["digital-identity", "digital-services"],
        "sectors": ["digital-and-it"],
        "levels": ["national", "international"],
        "countries": ["EE", "FI", "DK", "DE", "IT"],
        "summary": """
            Five countries, three models: a state-issued card, bank-based identities, and a
            state app. What each costs, who is left out, and what the European digital identity
            wallet changes for each.
        """,
        "challenge": "Governments must choose how residents prove who they are online.",
        "context": "Desk research and 20 interviews with officials in five countries.",
        "approach": """
            We compare take-up, cost per authentication, inclusion (people without a bank or a
            smartphone) and dependence on private providers.
        """,
        "lessons": """
            - Every model needs an offline route; 5-10% of adults will need it.
            - Bank-based identities are cheap for the state and costly to leave.
        """,
        "replication": "The comparison grid can be reused for any country.",
        "outcomes": [
            (
                "Adults using a digital identity monthly, highest of five",
                "%",
                None,
                "89",
                "2023",
                "National statistics",
            ),
        ],
        "stage": "in_operation",
        "jurisdiction_type": "international",
        "population_band": "gt10m",
        "revisions": ["Added the EU wallet section", "Corrected the Danish take-up figure"],
        "adoptions": [(DGA, "in_operation", date(2024, 7, 1), "Input to the federal strategy.")],
    },
    {
        "title": "Vorlage: Checkliste für barrierefreie Online-Formulare",
        "kind": "tool_template",
        "author": SAM,
        "co_authors": [AINO],
        "publisher": AINO,
        "organization": DGA,
        "language": "de",
        "topics": ["service-design", "digital-services"],
        "sectors": ["digital-and-it"],
        "levels": ["national", "regional", "local"],
        "countries": ["DE"],
        "summary": """
            Eine Checkliste mit 25 Prüfpunkten für Online-Formulare, abgeleitet aus WCAG 2.2
            und BITV 2.0, mit Beispielen und einer Spalte für das Testergebnis.
        """,
        "approach": """
            Jeder Prüfpunkt beschreibt *was*, *wie testen* und *typische Fehler*, z. B.
            Fehlermeldungen, die nur farbig markiert sind.
        """,
        "implementation": "Vor jedem Release von einer Person aus dem Team prüfen lassen.",
        "contacts": "Digital Government Agency (Example), Team Barrierefreiheit.",
        "jurisdiction_type": "national_agency",
        "population_band": "gt10m",
        "budget_band": "lt10k",
        "service_area": "Online-Formulare",
        "needs_skills": True,
        "revisions": ["Prüfpunkte zu Fehlermeldungen ergänzt"],
        "adoptions": [(HELSINKI, "in_operation", date(2024, 9, 1), "")],
    },
    {
        "title": "Praxistipp: Bescheide vor dem Versand von fünf Bürgerinnen lesen lassen",
        "kind": "practical_tip",
        "author": SAM,
        "co_authors": [PRIYA],
        "publisher": PRIYA,
        "organization": DGA,
        "language": "de",
        "topics": ["service-design"],
        "sectors": ["social-services"],
        "levels": ["national", "local"],
        "countries": ["DE"],
        "summary": """
            Fünf Leserinnen und Leser finden die meisten Verständnisprobleme eines Bescheids.
            So organisieren Sie den Test in einem Vormittag.
        """,
        "approach": """
            - Fünf Personen, die den Bescheid wirklich bekommen könnten.
            - Jede liest laut und sagt, was sie als Nächstes tun würde.
            - Notieren, wo sie zögern; danach umschreiben und erneut testen.
        """,
        "lessons": "Kolleginnen aus dem eigenen Amt sind keine guten Testpersonen.",
        "revisions": ["Hinweis zu Testpersonen ergänzt"],
    },
]

# Members who start from another body's contribution, then localise and publish it.
ADAPTATIONS = [
    {
        "source": "Fixing potholes in 6 days with a citizen reporting app",
        "member": AINO,
        "title": "Street fault reporting in Helsinki, adapted from Lyon",
        "summary": """
            Lyon's reporting app, adapted for Helsinki's street faults and winter maintenance:
            snow, ice and broken lights are reported with a photo and routed to contractors.
        """,
        "context": "City of Helsinki, street maintenance by three contractors.",
        "countries": ["FI"],
        "language": "en",
        "outcomes": [
            ("Days to fix a reported street fault", "days", "9", "4", "1 year", "Contractors"),
        ],
        "message": "Adapted for Helsinki's contractors and winter maintenance",
    },
    {
        "source": "Helsinki open data API: one catalogue for 600 city datasets",
        "member": JORDI,
        "title": "API de datos abiertos de Barcelona, adaptada de Helsinki",
        "summary": """
            El modelo de Helsinki aplicado al catálogo de Barcelona: un responsable por conjunto
            de datos, una API versionada y estadísticas de uso mensuales.
        """,
        "context": "Oficina municipal de datos, 520 conjuntos de datos.",
        "countries": ["ES"],
        "language": "es",
        "outcomes": [
            ("Conjuntos de datos en la API", "conjuntos", "180", "520", "2 años", "Catálogo"),
        ],
        "message": "Adaptado al catálogo de Barcelona",
    },
    {
        "source": "Green procurement criteria for IT equipment: a ready-to-use set",
        "member": KADRI,
        "title": "Green IT criteria, adapted for Tallinn's framework agreements",
        "summary": """
            The green IT criteria, translated and adjusted to Tallinn's framework agreements for
            schools: a take-back clause with local recyclers and a five-year spare-parts rule.
        """,
        "context": "Tallinn's central IT purchasing for 120 schools.",
        "countries": ["EE"],
        "language": "en",
        "outcomes": [],
        "message": "Adjusted to our framework agreements",
    },
    {
        "source": "Superblocks: giving street space back to people",
        "member": MARC,
        "title": "Super-îlots à Lyon : adaptation du modèle de Barcelone",
        "summary": "Brouillon : deux îlots de la Presqu'île, avec les commerçants.",
        "context": "Presqu'île de Lyon, rues commerçantes.",
        "countries": ["FR"],
        "language": "fr",
        "outcomes": [],
        "message": "Premier brouillon avec les commerçants",
        "draft": True,
    },
]

TEXT_FIELDS = [
    "challenge",
    "context",
    "approach",
    "implementation",
    "lessons",
    "replication",
    "contacts",
    "costs",
    "prerequisites",
]
OTHER_FIELDS = [
    "stage",
    "licence",
    "start_date",
    "end_date",
    "cost_currency",
    "jurisdiction_type",
    "population_band",
    "budget_band",
    "service_area",
    "needs_data",
    "needs_skills",
    "needs_technology",
    "needs_procurement",
    "needs_legal_basis",
]


def _paragraph(text: str) -> str:
    return " ".join(text.split())


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _outcomes(rows) -> list[dict]:
    return [
        {
            "name": name,
            "unit": unit,
            "baseline": _decimal(baseline),
            "result": Decimal(result),
            "period": period,
            "source": source,
        }
        for name, unit, baseline, result, period, source in rows
    ]


class _Refs:
    """Members, organisations, topics and sectors by the names the demo data uses."""

    def __init__(self):
        self.members = {m.email: m for m in User.objects.all()}
        self.organizations = {o.name: o for o in Organization.objects.all()}
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.sectors = {s.slug: s for s in Sector.objects.all()}


def _input(entry: dict, refs: _Refs, keep: set[str] | None) -> services.PracticeInput:
    """The entry as a service input; with `keep`, only what an earlier draft had written."""

    def wanted(name: str) -> bool:
        return keep is None or name in keep

    fields = {
        "title": entry["title"],
        "summary": _paragraph(entry["summary"]),
        "contribution_kind": entry["kind"],
        "organization": refs.organizations.get(entry.get("organization")),
        "visibility": entry.get("visibility", "public"),
        "language": entry.get("language", "en"),
    }
    for name in TEXT_FIELDS:
        fields[name] = cleandoc(entry.get(name, "")) if wanted(name) else ""
    for name in OTHER_FIELDS:
        if name in entry and wanted(name):
            fields[name] = entry[name]
    for name in ("cost_amount", "staff_fte"):
        fields[name] = _decimal(entry.get(name)) if wanted(name) else None
    return services.PracticeInput(
        fields=fields,
        topics=[refs.topics[slug] for slug in entry.get("topics", [])],
        sectors=[refs.sectors[slug] for slug in entry.get("sectors", [])],
        levels=entry.get("levels", []),
        countries=entry.get("countries", []),
        outcomes=_outcomes(entry.get("outcomes", [])) if wanted("outcomes") else [],
        links=[
            {"kind": kind, "url": url, "title": title}
            for kind, url, title in (entry.get("links", []) if wanted("links") else [])
        ],
        co_authors=[refs.members[email] for email in entry.get("co_authors", [])],
    )


def _write(entry: dict, refs: _Refs) -> Practice:
    """First draft, then one or two revisions with messages (reviewed and published later)."""
    author = refs.members[entry["author"]]
    messages = entry.get("revisions", [])[:2]
    # None: everything. Two messages give three revisions, one gives two.
    steps = {0: [None], 1: [FIRST_DRAFT, None], 2: [FIRST_DRAFT, SECOND_REVISION, None]}[
        len(messages)
    ]
    practice = services.create_draft(author=author, data=_input(entry, refs, steps[0]))
    for number, (keep, message) in enumerate(zip(steps[1:], messages, strict=True), start=1):
        services.update_practice(
            member=author,
            practice_id=practice.pk,
            data=_input(entry, refs, keep),
            base_revision=number,
            message=message,
        )
    return practice


def _adapt(spec: dict, source: Practice, refs: _Refs) -> Practice:
    member = refs.members[spec["member"]]
    draft = services.start_adaptation(member=member, source_id=source.pk)
    data = services.PracticeInput(
        fields={
            "title": spec["title"],
            "summary": _paragraph(spec["summary"]),
            "context": spec["context"],
            "language": spec["language"],
            "organization": member.organization,
        },
        topics=list(source.topics.all()),
        sectors=list(source.sectors.all()),
        levels=[level.level for level in source.levels.all()],
        countries=spec["countries"],
        outcomes=_outcomes(spec["outcomes"]),
        links=[{"kind": x.kind, "url": x.url, "title": x.title} for x in source.links.all()],
    )
    services.update_practice(
        member=member, practice_id=draft.pk, data=data, base_revision=1, message=spec["message"]
    )
    return draft


def _adopt(entry: dict, practice: Practice, refs: _Refs, moderator_may: bool) -> int:
    """Adoptions reported by members for their own body, by the moderator for the others."""
    reported = 0
    for org_name, stage, adopted_on, notes in entry.get("adoptions", []):
        organization = refs.organizations[org_name]
        if Adoption.objects.filter(practice=practice, organization=organization).exists():
            continue
        reporter = REPORTERS.get(org_name)
        if reporter is None and not moderator_may:
            continue
        services.report_adoption(
            member=refs.members[reporter or MODERATOR],
            practice_id=practice.pk,
            organization=organization,
            stage=stage,
            adopted_on=adopted_on,
            notes=notes,
        )
        reported += 1
    return reported


# --- Peer review ----------------------------------------------------------------------------
# Every demo contribution is published through the real workflow (reviews.services): submitted
# by a verified author, two expert reviewers from other organisations invited by an editor for
# its topic, their signed reviews, the editor's acceptance and publication with an evidence
# level. Aino edits the open data topic; Elena, the managing editor, edits every topic.

EDITOR = "elena.ferraro@opsi.example"
EDITORS = [AINO, EDITOR]  # the topic editor first: she handles her topic's submissions
EXPERTS = [CLAIRE, AINO, JORDI, PRIYA, KADRI]

# The evidence level each contribution is published at (1 when not listed).
EVIDENCE = {
    "Fixing potholes in 6 days with a citizen reporting app": 3,
    "Guide: launching a 311 reporting service in 12 weeks": 2,
    "Accueil unique : fusionner trois guichets en un rendez-vous en ligne": 2,
    "Marchés publics : une clause de réparabilité pour le mobilier urbain": 2,
    "Rues des écoles : 40 rues fermées aux voitures aux heures d'entrée": 3,
    "Collecte des biodéchets en habitat collectif": 2,
    "Helsinki open data API: one catalogue for 600 city datasets": 3,
    "Mapping urban heat islands with open satellite data": 3,
    "Energy retrofits of 120 schools through an energy performance contract": 4,
    "Participatory budgeting in Barcelona: €30 million decided by residents": 4,
    "Presupuestos participativos: cómo revisar 800 propuestas con 10 técnicos": 2,
    "Asamblea ciudadana por sorteo sobre la emergencia climática": 3,
    "Superblocks: giving street space back to people": 5,
    "Cutting outpatient waiting times with clinical triage of referrals": 5,
    "Plain-language letters: five rules that cut helpline calls by 40%": 4,
    "Publishing weekly waiting-list data as open data": 2,
    "Waiting-time guarantees: what twelve countries do and what it changes": 4,
    "Validating waiting lists: removing duplicates without harming patients": 3,
    "Pharmacist-led medication reviews for older patients": 4,
    "Innovation procurement in Tallinn: buying outcomes for school transport": 3,
    "Pre-commercial procurement in ten steps": 2,
    "Green procurement criteria for IT equipment: a ready-to-use set": 3,
    "Open contracting: every contract above €10,000 published in OCDS": 3,
    "Digital identity for public services: policy options and trade-offs": 2,
    "Street fault reporting in Helsinki, adapted from Lyon": 3,
    "API de datos abiertos de Barcelona, adaptada de Helsinki": 2,
    "Green IT criteria, adapted for Tallinn's framework agreements": 2,
}

TO_AUTHORS = [
    "A clear and honest account. {result} is the heart of it: say how it was measured and over "
    "which period, so that others can compare. The lessons are the most useful part for anyone "
    "who wants to repeat this.",
    "Well structured and easy to follow. I would add a sentence on what you would do "
    "differently, and on the staff time the first year really took. Otherwise ready to publish.",
    "Useful and transferable: the steps are concrete enough for a smaller body to follow. "
    "Please name the source of each figure and check that the links still work.",
    "I learned something from this. The context could say more about your constraints (budget, "
    "legal basis, the unions), because that is what a reader elsewhere needs to judge whether "
    "it would work for them.",
    "Convincing. The comparison with the situation before is fair, though a year is short: if "
    "you have later figures, add them when you revise it.",
    "A good practical contribution. The approach could be shorter, with the procurement details "
    "moved to the implementation steps; the lessons are excellent as they are.",
]
TO_EDITOR = [
    "No conflict of interest. Solid work; I recommend publishing it.",
    "I have met the team at a conference, nothing more. The figures look plausible to me.",
    "Nothing confidential to add.",
]
EVIDENCE_COMMENTS = {
    1: "Well described, but nothing is measured yet: say what you will measure, and when.",
    2: "The outcomes are measured before and after; a comparison area would make them stronger.",
    3: "The comparison with a baseline is sound; say how the baseline period was chosen.",
    4: "The independent evaluation is the strength here: link to it from the page.",
    5: "Replicated elsewhere with comparable results: the strongest evidence I have reviewed.",
}
INLINE_COMMENTS = {
    "outcomes": "Give the source of each figure (the system, the survey) in the source column.",
    "lessons": "This lesson deserves one more sentence on how you solved it in the end.",
    "approach": "A short example of what the resident or the patient sees would help here.",
}
EDITOR_NOTES = {
    1: "Published as a described practice: clear and useful, with no outcomes measured yet.",
    2: "Outcomes measured before and after. The reviewers asked for the data sources, now given.",
    3: "Outcomes compared with a baseline; both reviewers judged the method sound.",
    4: "An independent evaluation supports the outcomes; both reviewers recommended publication.",
    5: "The results were replicated by other bodies with their own figures.",
}


def _clamp(value: int) -> int:
    return max(1, min(5, value))


class _Desk:
    """The demo's editors and expert reviewers, and the reviews they write, varied but the same
    on every run."""

    def __init__(self, refs: _Refs):
        self.refs = refs
        self.editors = [refs.members[email] for email in EDITORS]
        self.experts = [refs.members[email] for email in EXPERTS]
        self.load: Counter = Counter()
        self.turn = 0

    def submit(self, entry: dict, practice: Practice, publisher: User) -> Submission:
        return review_services.submit_for_review(
            member=publisher, practice_id=practice.pk, note=entry.get("note", "")
        )

    def editor_for(self, submission: Submission) -> User:
        return next(e for e in self.editors if review_permissions.can_handle(e, submission))

    def invite(self, submission: Submission, editor: User) -> list[ReviewInvitation]:
        """Two experts without a conflict of interest: the best topic match first (as the
        editor's suggestions rank them), then whoever has reviewed least in the demo."""
        practice = submission.practice
        matches = {
            s.member.pk: s.topic_matches
            for s in review_selectors.suggested_reviewers(submission, limit=20)
        }
        candidates = sorted(
            (
                m
                for m in self.experts
                if m.pk != editor.pk and review_permissions.can_be_invited(m, practice)
            ),
            key=lambda m: (-matches.get(m.pk, 0), self.load[m.pk], m.display_name),
        )
        invitations = []
        for reviewer in candidates[: settings.REVIEWERS_PER_SUBMISSION]:
            self.load[reviewer.pk] += 1
            invitation = review_services.invite_reviewer(
                editor=editor, submission_id=submission.pk, reviewer_id=reviewer.pk
            )
            review_services.respond_to_invitation(
                reviewer=reviewer, invitation_id=invitation.pk, accept=True
            )
            invitations.append(invitation)
        return invitations

    def review(self, invitation: ReviewInvitation, practice: Practice, level: int, n: int, **kw):
        """The n-th reviewer's review: scores that follow the evidence, and comments."""
        self.turn += 1
        turn = self.turn + n
        scores = {
            Criterion.ACCURACY: _clamp(4 + (level >= 3 and n == 0)),
            Criterion.EVIDENCE: _clamp(level + (1 if n == 0 else 0) - (1 if level >= 4 else 0)),
            Criterion.TRANSFERABILITY: 3 + (turn % 3 == 0),
            Criterion.CLARITY: _clamp(4 + turn % 2),
            Criterion.COMPLETENESS: _clamp(3 + (level >= 3) + (level >= 4 and turn % 2 == 0)),
        }
        first_outcome = practice.outcomes.values_list("name", flat=True).first()
        result = f"“{first_outcome}”" if first_outcome else "The main result"
        mean = sum(scores.values()) / len(scores)
        field = "outcomes" if first_outcome else ("lessons" if practice.lessons else "approach")
        return review_services.submit_review(
            reviewer=invitation.reviewer,
            invitation_id=invitation.pk,
            scores={k.value: v for k, v in scores.items()},
            recommendation=kw.get("recommendation", "accept" if mean >= 3.6 else "minor_changes"),
            to_authors=kw.get("to_authors", TO_AUTHORS[turn % len(TO_AUTHORS)]).format(
                result=result
            ),
            to_editor=TO_EDITOR[turn % len(TO_EDITOR)],
            criterion_comments={Criterion.EVIDENCE.value: EVIDENCE_COMMENTS[level]},
            inline_comments={field: INLINE_COMMENTS[field]} if n == 0 else {},
        )

    def publish(self, entry_title: str, practice: Practice, publisher: User, entry=None) -> None:
        """The whole review: submitted, two reviews, accepted, published at its level."""
        level = EVIDENCE.get(entry_title, 1)
        submission = self.submit(entry or {}, practice, publisher)
        editor = self.editor_for(submission)
        for n, invitation in enumerate(self.invite(submission, editor)):
            review = self.review(invitation, practice, level, n)
            review_services.rate_review(
                editor=editor, review_id=review.pk, quality=4 + (self.turn + n) % 2
            )
        review_services.decide(editor=editor, submission_id=submission.pk, decision="accept")
        review_services.publish(
            editor=editor,
            submission_id=submission.pk,
            evidence_level=level,
            note=EDITOR_NOTES[level],
        )

    def leave_in_review(self, entry: dict, practice: Practice, publisher: User) -> None:
        """Stop where the entry says: submitted, in review with one review in, or returned."""
        submission = self.submit(entry, practice, publisher)
        if entry["review"] == "submitted":
            return
        editor = self.editor_for(submission)
        invitations = self.invite(submission, editor)
        if entry["review"] == "in_review":
            self.review(invitations[0], practice, 2, 0, recommendation="minor_changes")
            return
        self.review(
            invitations[0],
            practice,
            2,
            0,
            recommendation="major_changes",
            to_authors="The idea is strong, but the page gives no figure for what the guarantee "
            "costs the city per flat, nor how often owners' tenants fall behind on rent. Without "
            "them, another city cannot judge whether it could afford it.",
        )
        self.review(
            invitations[1],
            practice,
            2,
            1,
            recommendation="minor_changes",
            to_authors="Clear and useful. Please add the default rate and the rehabilitation "
            "budget, and say how owners were found in the first year.",
        )
        review_services.decide(
            editor=editor,
            submission_id=submission.pk,
            decision=Decision.REQUEST_CHANGES,
            note="Both reviewers ask for the costs of the guarantee and the default rate. Add "
            "them, answer each point, and resubmit: the same reviewers will read it again.",
        )


def _freshness(desk: _Desk, refs: _Refs) -> None:
    """Life after publication: one contribution marked outdated by its editor, one flagged as
    possibly outdated by a member, one with a minor edit waiting for approval. Each step is
    keyed on what it leaves behind, so a re-run adds nothing."""
    editor = refs.members[EDITOR]
    outdated = _published(OUTDATED_TITLE)
    if (
        outdated is not None
        and outdated.state == ContributionState.PUBLISHED
        and not outdated.review_events.filter(to_state=ContributionState.OUTDATED).exists()
    ):
        review_services.mark_outdated(
            editor=editor,
            practice_id=outdated.pk,
            reason="The European digital identity wallet regulation of 2024 changed the options "
            "this analysis compares.",
        )
    flagged = _published(FLAGGED_TITLE)
    flagger = refs.members[LUCIA]
    if (
        flagged is not None
        and not OutdatedFlag.objects.filter(practice=flagged, flagged_by=flagger).exists()
    ):
        review_services.flag_outdated(
            member=flagger,
            practice_id=flagged.pk,
            reason="The EU procurement thresholds changed on 1 January 2026; the checklist still "
            "quotes the old ones.",
        )
    edited = _published(MINOR_EDIT_TITLE)
    if edited is not None and not edited.submissions.filter(kind=SubmissionKind.MINOR).exists():
        entry = next(e for e in CONTRIBUTIONS if e["title"] == MINOR_EDIT_TITLE)
        data = _input(entry, refs, None)
        data.fields["approach"] = data.fields["approach"].replace(
            "One idea per sentence; sentences under 20 words.",
            "One idea per sentence; keep sentences under 20 words.",
        )
        author = refs.members[entry["author"]]
        services.update_practice(
            member=author,
            practice_id=edited.pk,
            data=data,
            base_revision=edited.item.revision_number,
            message="Rule 2 now reads as an instruction, like the others",
        )
        review_services.submit_for_review(
            member=author,
            practice_id=edited.pk,
            note="Wording only: rule 2 now reads as an instruction, like the other four.",
            minor=True,
        )


OUTDATED_TITLE = "Digital identity for public services: policy options and trade-offs"
FLAGGED_TITLE = "Market consultation before a tender: a one-page checklist"
MINOR_EDIT_TITLE = "Plain-language letters: five rules that cut helpline calls by 40%"


def _published(title: str) -> Practice | None:
    return (
        Practice.objects.select_related("item")
        .filter(item__slug=slugify(title)[:180], state__in=LIVE_STATES)
        .first()
    )


def _review_summary() -> str:
    open_kinds = Submission.objects.filter(state__in=OPEN_STATES)
    levels = dict(
        Practice.objects.filter(state__in=LIVE_STATES, last_reviewed_at__isnull=False)
        .values_list("evidence_level")
        .annotate(n=Count("pk"))
        .values_list("evidence_level", "n")
    )
    return (
        "Peer review: {reviewed} published after review (evidence levels 1 to 5: {levels}), "
        "{waiting} waiting for reviewers, {in_review} in review, {changes} with changes "
        "requested, {minor} minor edit waiting for approval, {outdated} marked outdated, "
        "{flagged} flagged as possibly outdated; {reviews} reviews written."
    ).format(
        reviewed=sum(levels.values()),
        levels=" / ".join(str(levels.get(level, 0)) for level in range(1, 6)),
        waiting=open_kinds.filter(state=ContributionState.SUBMITTED)
        .exclude(kind=SubmissionKind.MINOR)
        .count(),
        in_review=open_kinds.filter(state=ContributionState.IN_REVIEW).count(),
        changes=open_kinds.filter(state=ContributionState.CHANGES_REQUESTED).count(),
        minor=open_kinds.filter(kind=SubmissionKind.MINOR).count(),
        outdated=Practice.objects.filter(state=ContributionState.OUTDATED).count(),
        flagged=OutdatedFlag.objects.filter(resolved_at__isnull=True).count(),
        reviews=Review.objects.count(),
    )


def seed_practices(stdout) -> None:
    """Add the demo contributions that are missing, each through peer review; run it as often
    as you like."""
    refs = _Refs()
    moderator_may = can_moderate(refs.members[MODERATOR])
    desk = _Desk(refs)
    written = adapted = adopted = 0
    by_title = {}
    in_review = []
    for entry in CONTRIBUTIONS:
        slug = slugify(entry["title"])[:180]
        practice = Practice.objects.filter(item__slug=slug).select_related("item").first()
        if practice is None:
            practice = _write(entry, refs)
            written += 1
            publisher = refs.members[entry.get("publisher", entry["author"])]
            if entry.get("review"):
                in_review.append((entry, practice, publisher))
            elif not entry.get("draft"):
                desk.publish(entry["title"], practice, publisher, entry)
        by_title[entry["title"]] = practice
        if not entry.get("draft") and not entry.get("review"):
            adopted += _adopt(entry, practice, refs, moderator_may)
    for spec in ADAPTATIONS:
        source = by_title[spec["source"]]
        member = refs.members[spec["member"]]
        if not Practice.objects.filter(adapted_from=source, item__author=member).exists():
            draft = _adapt(spec, source, refs)
            if not spec.get("draft"):
                desk.publish(spec["title"], draft, member)
            adapted += 1
    if written or adapted:
        # The finished reviews are history: their notices are read. What is still in review
        # below (and after) leaves unread notices, as on a living site.
        for member in refs.members.values():
            mark_read(member=member)
    for entry, practice, publisher in in_review:
        desk.leave_in_review(entry, practice, publisher)
    _freshness(desk, refs)
    if not moderator_may:
        stdout.write(
            "Adoptions by bodies without a demo member were skipped: the demo moderator needs "
            "two-factor authentication when REQUIRE_MFA_FOR_STAFF is on."
        )
    stdout.write(
        f"Demo contributions: {written} written, {adapted} adaptations, {adopted} adoptions "
        f"added; {Practice.objects.count()} contributions in all, "
        f"{Item.objects.filter(kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED).count()} "
        "published."
    )
    stdout.write(_review_summary())
