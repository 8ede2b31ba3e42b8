"""Bulk contributions for the search benchmark: N published case studies with realistic text,
written straight into the tables (Item, Practice and its topics/sectors/levels/countries, the
search document, its facets, the title vocabulary and the full-text side), not through
search.services.index_item, which would take hours at a million.

Run by bench/search_bench.py on a fresh, migrated database after `seed_demo --force` and
bench/seed.py (the taxonomy, organisations and members used here). The text is generated from
word lists and sentence templates about public-sector work, in English and French mostly, some
German and Spanish, with word frequencies that fall off like natural language (Zipf): a few
words are everywhere, most are rare. Same seed, same data. Progress goes to stderr; the last
line on stdout is a JSON summary.
"""

import argparse
import bisect
import itertools
import json
import os
import queue
import random
import string
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")

# --- Word lists ----------------------------------------------------------------------------------
# Every list is ordered from most to least frequent: picks follow a Zipf law over the order.

# Themes: what a contribution is about. Weight: how many contributions share it. Topics and
# sectors are the slugs made by seed_demo. Per language: subjects (noun phrases), what was
# measured, and tools (with their article, as they appear after "with"/"grâce à"/"mit"/"con").
THEMES = [
    {
        "weight": 9, "topics": ["open-data"], "sectors": ["digital-and-it"],
        "en": (["open data", "public datasets", "data publication", "the open data portal"],
               ["dataset downloads", "the time to publish a dataset"],
               ["an open data portal", "an API catalogue", "a data inventory", "a data hub"]),
        "fr": (["les données ouvertes", "l'open data", "la publication des données"],
               ["les téléchargements de jeux de données", "le délai de publication"],
               ["un portail open data", "un catalogue d'API", "un inventaire des données"]),
        "de": (["offene Daten", "Open Data", "Verwaltungsdaten"],
               ["die Downloads", "die Veröffentlichungszeit"],
               ["einem Open-Data-Portal", "einem API-Katalog", "einem Datenkatalog"]),
        "es": (["los datos abiertos", "la publicación de datos", "los conjuntos de datos"],
               ["las descargas de datos", "el tiempo de publicación"],
               ["un portal de datos abiertos", "un catálogo de API"]),
    },
    {
        "weight": 8, "topics": ["service-design"], "sectors": ["social-services"],
        "en": (["benefit applications", "housing benefit claims", "online forms",
                "letters to citizens"],
               ["processing time", "abandoned applications", "calls to the helpline"],
               ["a redesigned online form", "user research", "plain language letters",
                "a service blueprint"]),
        "fr": (["les demandes d'aides sociales", "les formulaires en ligne",
                "les aides au logement"],
               ["le délai de traitement", "les dossiers incomplets"],
               ["un formulaire simplifié", "des tests avec les usagers", "un parcours usager"]),
        "de": (["Sozialleistungsanträge", "Wohngeldanträge", "Online-Formulare"],
               ["die Bearbeitungszeit", "abgebrochene Anträge"],
               ["einem neu gestalteten Formular", "Nutzerforschung"]),
        "es": (["las solicitudes de ayudas sociales", "los formularios en línea"],
               ["el tiempo de tramitación", "las solicitudes abandonadas"],
               ["un formulario rediseñado", "la investigación con usuarios"]),
    },
    {
        "weight": 7, "topics": ["citizen-reporting", "public-space"],
        "sectors": ["urban-planning", "transport-and-mobility"],
        "en": (["pothole repairs", "road maintenance", "potholes", "street defects"],
               ["repair times", "the days to fix a pothole", "repeat reports"],
               ["a reporting app", "a citizen reporting app", "an online map", "a mobile app"]),
        "fr": (["les nids-de-poule", "l'entretien de la voirie", "les signalements de voirie"],
               ["les délais de réparation", "les signalements en double"],
               ["une application de signalement", "une carte en ligne", "une appli mobile"]),
        "de": (["Schlaglöcher", "die Straßenreparatur", "Straßenschäden"],
               ["die Reparaturzeiten", "doppelte Meldungen"],
               ["einer Melde-App", "einer Online-Karte", "einer mobilen App"]),
        "es": (["los baches", "el mantenimiento vial", "los desperfectos en la calle"],
               ["los tiempos de reparación", "los avisos repetidos"],
               ["una aplicación de avisos", "un mapa en línea", "una aplicación móvil"]),
    },
    {
        "weight": 7, "topics": ["waiting-times", "primary-care"], "sectors": ["health"],
        "en": (["waiting times at the clinic", "outpatient waiting lists", "clinic appointments",
                "emergency department waits"],
               ["waiting times", "the days to an appointment", "missed appointments"],
               ["online booking", "phone triage", "a waiting list dashboard",
                "text message reminders"]),
        "fr": (["les temps d'attente aux urgences", "les délais de rendez-vous",
                "les listes d'attente"],
               ["le temps d'attente", "les rendez-vous manqués"],
               ["la prise de rendez-vous en ligne", "un tri téléphonique", "des rappels par SMS"]),
        "de": (["Wartezeiten in der Klinik", "die Terminvergabe", "Wartelisten"],
               ["die Wartezeiten", "versäumte Termine"],
               ["einer Online-Terminbuchung", "einer telefonischen Ersteinschätzung",
                "SMS-Erinnerungen"]),
        "es": (["los tiempos de espera en el centro de salud", "las listas de espera",
                "las citas médicas"],
               ["los tiempos de espera", "las citas perdidas"],
               ["la cita previa en línea", "un triaje telefónico", "recordatorios por SMS"]),
    },
    {
        "weight": 6, "topics": ["participatory-budgeting"], "sectors": ["finance-and-budget"],
        "en": (["participatory budgeting", "neighbourhood projects", "citizen budget proposals"],
               ["turnout", "the number of proposals", "projects delivered"],
               ["an online voting platform", "neighbourhood assemblies", "a proposal map"]),
        "fr": (["le budget participatif", "les projets de quartier",
                "les propositions des habitants"],
               ["la participation", "le nombre de projets", "les projets réalisés"],
               ["une plateforme de vote en ligne", "des assemblées de quartier"]),
        "de": (["der Bürgerhaushalt", "Stadtteilprojekte", "der Beteiligungshaushalt"],
               ["die Beteiligung", "die Zahl der Vorschläge"],
               ["einer Online-Abstimmung", "Stadtteilversammlungen"]),
        "es": (["los presupuestos participativos", "los proyectos de barrio",
                "las propuestas ciudadanas"],
               ["la participación", "el número de propuestas"],
               ["una plataforma de votación en línea", "asambleas de barrio"]),
    },
    {
        "weight": 5, "topics": ["digital-identity"], "sectors": ["digital-and-it"],
        "en": (["digital identity", "online login for public services", "the eID scheme"],
               ["online applications", "password resets", "identity checks at the counter"],
               ["a national eID app", "single sign-on", "a digital wallet"]),
        "fr": (["l'identité numérique", "la connexion aux services publics"],
               ["les démarches en ligne", "les vérifications au guichet"],
               ["une application d'identité numérique", "une connexion unique"]),
        "de": (["die digitale Identität", "der Online-Ausweis"],
               ["die Online-Anträge", "die Identitätsprüfungen"],
               ["einer eID-App", "einem zentralen Login"]),
        "es": (["la identidad digital", "el certificado digital"],
               ["los trámites en línea", "las verificaciones presenciales"],
               ["una aplicación de identidad digital", "un acceso único"]),
    },
    {
        "weight": 5, "topics": ["mobility"], "sectors": ["transport-and-mobility"],
        "en": (["cycle lanes", "bus priority", "school streets", "on-demand buses"],
               ["journey times", "cycling trips", "road casualties"],
               ["temporary bike lanes", "a demand-responsive transport app", "traffic counters"]),
        "fr": (["les pistes cyclables", "le transport à la demande", "les rues scolaires"],
               ["les temps de trajet", "les déplacements à vélo"],
               ["des pistes temporaires", "une appli de transport à la demande"]),
        "de": (["Radwege", "der Rufbus", "Schulstraßen"],
               ["die Fahrzeiten", "die Radfahrten"],
               ["Pop-up-Radwegen", "einer Rufbus-App"]),
        "es": (["los carriles bici", "el transporte a demanda", "los entornos escolares"],
               ["los tiempos de viaje", "los viajes en bicicleta"],
               ["carriles bici temporales", "una aplicación de transporte a demanda"]),
    },
    {
        "weight": 5, "topics": ["waste"], "sectors": ["environment"],
        "en": (["waste collection", "recycling", "food waste", "bulky waste"],
               ["recycling rates", "missed collections", "tonnes of residual waste"],
               ["smart bins", "a waste collection app", "pay-as-you-throw charging"]),
        "fr": (["la collecte des déchets", "le tri sélectif", "le gaspillage alimentaire"],
               ["le taux de recyclage", "les tonnes d'ordures ménagères"],
               ["des bacs connectés", "une appli de collecte", "la tarification incitative"]),
        "de": (["die Abfallsammlung", "die Mülltrennung", "Lebensmittelverschwendung"],
               ["die Recyclingquote", "der Restmüll"],
               ["intelligenten Tonnen", "einer Abfall-App"]),
        "es": (["la recogida de residuos", "el reciclaje", "el desperdicio alimentario"],
               ["la tasa de reciclaje", "las toneladas de residuos"],
               ["contenedores inteligentes", "una aplicación de recogida"]),
    },
    {
        "weight": 4, "topics": ["innovation-procurement"], "sectors": ["procurement"],
        "en": (["innovation procurement", "pre-commercial procurement", "challenge-based tenders"],
               ["the time to contract", "bids from small firms"],
               ["an innovation partnership", "an open market dialogue", "a challenge prize"]),
        "fr": (["l'achat innovant", "les marchés publics innovants"],
               ["le délai de passation", "les offres de PME"],
               ["un partenariat d'innovation", "un sourcing ouvert"]),
        "de": (["innovative Beschaffung", "die vorkommerzielle Auftragsvergabe"],
               ["die Vergabedauer", "Angebote von KMU"],
               ["einer Innovationspartnerschaft", "einem Marktdialog"]),
        "es": (["la compra pública innovadora", "la contratación precomercial"],
               ["el plazo de adjudicación", "las ofertas de pymes"],
               ["una asociación para la innovación", "una consulta preliminar al mercado"]),
    },
    {
        "weight": 4, "topics": ["climate-adaptation"], "sectors": ["environment", "urban-planning"],
        "en": (["heatwave plans", "flood warnings", "urban cooling", "street trees"],
               ["heat-related admissions", "surface temperatures", "flood damage"],
               ["cool islands", "an early warning system", "a tree planting programme"]),
        "fr": (["le plan canicule", "les îlots de fraîcheur", "le risque d'inondation"],
               ["les températures de surface", "les dégâts des crues"],
               ["des cours d'école végétalisées", "un système d'alerte précoce"]),
        "de": (["der Hitzeschutz", "die Hochwasserwarnung", "Stadtbäume"],
               ["die Oberflächentemperatur", "die Hochwasserschäden"],
               ["einem Frühwarnsystem", "einem Baumprogramm"]),
        "es": (["las olas de calor", "los refugios climáticos", "el riesgo de inundación"],
               ["la temperatura superficial", "los daños por inundación"],
               ["un sistema de alerta temprana", "un plan de arbolado"]),
    },
    {
        "weight": 4, "topics": ["energy-efficiency"], "sectors": ["environment"],
        "en": (["energy efficiency in public buildings", "school building renovation",
                "LED street lighting"],
               ["energy use", "heating bills", "carbon emissions"],
               ["an energy performance contract", "smart meters", "a retrofit programme"]),
        "fr": (["la rénovation énergétique", "les bâtiments publics", "l'éclairage LED"],
               ["la consommation d'énergie", "les émissions de carbone"],
               ["un contrat de performance énergétique", "des compteurs communicants"]),
        "de": (["die energetische Sanierung", "öffentliche Gebäude", "LED-Straßenbeleuchtung"],
               ["der Energieverbrauch", "die CO2-Emissionen"],
               ["einem Energiespar-Contracting", "intelligenten Zählern"]),
        "es": (["la eficiencia energética", "los edificios públicos", "el alumbrado LED"],
               ["el consumo de energía", "las emisiones de carbono"],
               ["un contrato de rendimiento energético", "contadores inteligentes"]),
    },
    {
        "weight": 4, "topics": ["health-data"], "sectors": ["health", "digital-and-it"],
        "en": (["patient records", "health data sharing", "electronic prescriptions"],
               ["duplicate tests", "the time to a diagnosis"],
               ["a shared patient record", "a secure data platform", "e-prescribing"]),
        "fr": (["le dossier médical partagé", "les données de santé",
                "l'ordonnance électronique"],
               ["les examens en double", "le délai de diagnostic"],
               ["un dossier patient partagé", "une plateforme de données sécurisée"]),
        "de": (["die elektronische Patientenakte", "Gesundheitsdaten", "das E-Rezept"],
               ["doppelte Untersuchungen", "die Zeit bis zur Diagnose"],
               ["einer gemeinsamen Patientenakte", "einer sicheren Datenplattform"]),
        "es": (["la historia clínica electrónica", "los datos de salud", "la receta electrónica"],
               ["las pruebas duplicadas", "el tiempo hasta el diagnóstico"],
               ["una historia clínica compartida", "una plataforma de datos segura"]),
    },
    {
        "weight": 3, "topics": ["housing"], "sectors": ["urban-planning", "social-services"],
        "en": (["social housing allocation", "empty homes", "housing repairs"],
               ["vacancy rates", "the days to allocate a home"],
               ["a choice-based lettings system", "a repairs portal"]),
        "fr": (["l'attribution des logements sociaux", "les logements vacants"],
               ["le taux de vacance", "le délai d'attribution"],
               ["un système de location choisie", "un portail de réparations"]),
        "de": (["die Vergabe von Sozialwohnungen", "der Leerstand"],
               ["die Leerstandsquote", "die Vergabedauer"],
               ["einem Wohnungsportal", "einem Reparaturportal"]),
        "es": (["la adjudicación de vivienda social", "las viviendas vacías"],
               ["la tasa de viviendas vacías", "el plazo de adjudicación"],
               ["un portal de vivienda", "un portal de reparaciones"]),
    },
    {
        "weight": 3, "topics": ["service-design", "digital-services"],
        "sectors": ["digital-and-it"],
        "en": (["citizen enquiries", "the contact centre", "tax questions"],
               ["calls answered", "the time to answer an enquiry"],
               ["a chatbot", "an AI assistant", "a shared knowledge base"]),
        "fr": (["les demandes des usagers", "le centre d'appels", "les questions fiscales"],
               ["les appels traités", "le délai de réponse"],
               ["un agent conversationnel", "un assistant IA", "une base de connaissances"]),
        "de": (["Bürgeranfragen", "das Bürgertelefon", "Steuerfragen"],
               ["die beantworteten Anrufe", "die Antwortzeit"],
               ["einem Chatbot", "einem KI-Assistenten", "einer Wissensdatenbank"]),
        "es": (["las consultas ciudadanas", "el centro de atención", "las dudas fiscales"],
               ["las llamadas atendidas", "el tiempo de respuesta"],
               ["un chatbot", "un asistente de IA", "una base de conocimiento"]),
    },
    {
        "weight": 3, "topics": ["green-procurement"], "sectors": ["procurement", "environment"],
        "en": (["green procurement", "low-carbon construction", "sustainable catering"],
               ["the carbon footprint of purchases", "local suppliers"],
               ["environmental award criteria", "a life-cycle cost tool"]),
        "fr": (["les achats durables", "la restauration collective durable"],
               ["l'empreinte carbone des achats", "les fournisseurs locaux"],
               ["des critères environnementaux", "un outil de coût global"]),
        "de": (["nachhaltige Beschaffung", "klimafreundliches Bauen"],
               ["der CO2-Fußabdruck der Einkäufe", "lokale Lieferanten"],
               ["Umweltkriterien", "einem Lebenszykluskosten-Tool"]),
        "es": (["la compra pública verde", "la restauración colectiva sostenible"],
               ["la huella de carbono de las compras", "los proveedores locales"],
               ["criterios ambientales", "una herramienta de coste del ciclo de vida"]),
    },
    {
        "weight": 3, "topics": ["open-contracting"],
        "sectors": ["procurement", "finance-and-budget"],
        "en": (["open contracting", "contract transparency", "procurement data"],
               ["single-bid tenders", "the number of bidders"],
               ["a contracts register", "an open contracting data standard"]),
        "fr": (["la transparence des marchés", "les données de la commande publique"],
               ["les marchés à offre unique", "le nombre de candidats"],
               ["un registre des contrats", "un standard de données ouvert"]),
        "de": (["die Vergabetransparenz", "offene Vergabedaten"],
               ["Ausschreibungen mit nur einem Angebot", "die Zahl der Bieter"],
               ["einem Vertragsregister", "einem offenen Datenstandard"]),
        "es": (["la contratación abierta", "la transparencia en la contratación"],
               ["las licitaciones con una sola oferta", "el número de licitadores"],
               ["un registro de contratos", "un estándar de datos abierto"]),
    },
    {
        "weight": 3, "topics": ["citizen-assemblies"], "sectors": ["social-services"],
        "en": (["citizen assemblies", "deliberative panels", "a climate assembly"],
               ["recommendations adopted", "the diversity of participants"],
               ["a randomly selected citizens' panel", "facilitated workshops"]),
        "fr": (["la convention citoyenne", "l'assemblée citoyenne", "le panel tiré au sort"],
               ["les recommandations retenues", "la diversité des participants"],
               ["un panel citoyen tiré au sort", "des ateliers animés"]),
        "de": (["der Bürgerrat", "Bürgerräte", "der Klimarat"],
               ["die umgesetzten Empfehlungen", "die Vielfalt der Teilnehmenden"],
               ["einem ausgelosten Bürgerrat", "moderierten Workshops"]),
        "es": (["las asambleas ciudadanas", "el jurado ciudadano"],
               ["las recomendaciones adoptadas", "la diversidad de participantes"],
               ["un panel ciudadano por sorteo", "talleres facilitados"]),
    },
    {
        "weight": 2, "topics": ["service-design"], "sectors": ["urban-planning"],
        "en": (["building permits", "business licences", "planning applications"],
               ["the time to a decision", "incomplete applications"],
               ["an online permit service", "a digital one-stop shop"]),
        "fr": (["les permis de construire", "les autorisations d'urbanisme"],
               ["le délai d'instruction", "les dossiers incomplets"],
               ["un guichet numérique", "un téléservice d'urbanisme"]),
        "de": (["Baugenehmigungen", "die Gewerbeanmeldung"],
               ["die Bearbeitungsdauer", "unvollständige Anträge"],
               ["einem digitalen Bauantrag", "einem Online-Bürgerservice"]),
        "es": (["las licencias de obra", "las licencias de actividad"],
               ["el plazo de resolución", "las solicitudes incompletas"],
               ["una ventanilla única digital", "un trámite de licencias en línea"]),
    },
    {
        "weight": 2, "topics": ["service-design"], "sectors": ["social-services"],
        "en": (["loneliness among older people", "home care", "homelessness"],
               ["emergency admissions", "people supported at home"],
               ["a befriending service", "a care coordination app", "housing first"]),
        "fr": (["l'isolement des personnes âgées", "l'aide à domicile", "le sans-abrisme"],
               ["les hospitalisations évitables", "les personnes accompagnées"],
               ["un réseau de visiteurs bénévoles", "le logement d'abord"]),
        "de": (["die Einsamkeit im Alter", "die häusliche Pflege", "die Obdachlosigkeit"],
               ["die Notaufnahmen", "die betreuten Menschen"],
               ["einem Besuchsdienst", "Housing First"]),
        "es": (["la soledad no deseada", "la atención domiciliaria", "el sinhogarismo"],
               ["los ingresos urgentes", "las personas atendidas"],
               ["un servicio de acompañamiento", "vivienda primero"]),
    },
    {
        "weight": 2, "topics": ["public-space"], "sectors": ["public-safety"],
        "en": (["street lighting", "noise complaints", "graffiti removal", "emergency calls"],
               ["night-time incidents", "complaints handled"],
               ["smart street lights", "noise sensors", "a rapid response team"]),
        "fr": (["l'éclairage public", "les nuisances sonores", "les tags"],
               ["les incidents nocturnes", "les plaintes traitées"],
               ["un éclairage intelligent", "des capteurs de bruit"]),
        "de": (["die Straßenbeleuchtung", "Lärmbeschwerden", "Graffiti"],
               ["nächtliche Vorfälle", "die bearbeiteten Beschwerden"],
               ["intelligenter Beleuchtung", "Lärmsensoren"]),
        "es": (["el alumbrado público", "las quejas por ruido", "los grafitis"],
               ["los incidentes nocturnos", "las quejas atendidas"],
               ["un alumbrado inteligente", "sensores de ruido"]),
    },
    {
        "weight": 2, "topics": ["primary-care"], "sectors": ["health", "education"],
        "en": (["telehealth consultations", "rural GP practices", "school nurses"],
               ["travel time for patients", "consultations per week"],
               ["video consultations", "a mobile clinic", "a nurse-led hotline"]),
        "fr": (["la téléconsultation", "les maisons de santé", "la santé scolaire"],
               ["le temps de trajet des patients", "les consultations par semaine"],
               ["des consultations vidéo", "un cabinet mobile"]),
        "de": (["die Telemedizin", "Hausarztpraxen auf dem Land"],
               ["die Anfahrtszeit", "die Sprechstunden pro Woche"],
               ["Videosprechstunden", "einer mobilen Praxis"]),
        "es": (["la teleconsulta", "la atención primaria rural"],
               ["el tiempo de desplazamiento", "las consultas semanales"],
               ["videoconsultas", "una consulta móvil"]),
    },
    {
        "weight": 2, "topics": ["open-contracting"], "sectors": ["finance-and-budget"],
        "en": (["budget transparency", "invoice processing", "local tax collection"],
               ["late payments", "the cost per invoice"],
               ["an interactive budget site", "e-invoicing", "robotic process automation"]),
        "fr": (["la transparence budgétaire", "le traitement des factures"],
               ["les retards de paiement", "le coût par facture"],
               ["un budget interactif", "la facturation électronique"]),
        "de": (["die Haushaltstransparenz", "die Rechnungsbearbeitung"],
               ["verspätete Zahlungen", "die Kosten pro Rechnung"],
               ["einem interaktiven Haushalt", "der E-Rechnung"]),
        "es": (["la transparencia presupuestaria", "la gestión de facturas"],
               ["los pagos tardíos", "el coste por factura"],
               ["un presupuesto interactivo", "la factura electrónica"]),
    },
    {
        "weight": 1, "topics": ["service-design"], "sectors": ["education"],
        "en": (["school enrolment", "school meals", "digital skills for teachers"],
               ["places allocated on time", "families reached"],
               ["a single admissions portal", "a teacher training programme"]),
        "fr": (["les inscriptions scolaires", "la cantine scolaire"],
               ["les places attribuées à temps", "les familles touchées"],
               ["un portail d'inscription unique", "un plan de formation"]),
        "de": (["die Schulanmeldung", "das Schulessen"],
               ["die rechtzeitig vergebenen Plätze", "die erreichten Familien"],
               ["einem zentralen Anmeldeportal", "einem Fortbildungsprogramm"]),
        "es": (["la matrícula escolar", "los comedores escolares"],
               ["las plazas asignadas a tiempo", "las familias atendidas"],
               ["un portal único de admisión", "un plan de formación docente"]),
    },
]  # fmt: skip

# Per language: who took part, filler words (nouns, adjectives, past participles) and rarer
# specialist words, then sentence templates by section. Slots: {place} (the item's place),
# {other} (another place), {project} (a project's name), {subject}, {metric}, {tool} (the
# item's theme), {actor}, {noun}, {noun2}, {adj}, {verb}, {rare}, {n}, {pct}, {months}, {year}.
LANGUAGES = {
    "en": {
        "actors": [
            "residents", "frontline staff", "the IT department", "local businesses",
            "social workers", "nurses", "volunteers", "the finance team", "a university",
            "a start-up", "civil society groups", "the mayor's office", "trade unions",
            "neighbouring councils", "the national agency", "school heads", "young people",
            "older residents", "disability organisations", "a design agency",
        ],
        "nouns": [
            "service", "project", "data", "team", "city", "process", "staff", "council", "pilot",
            "budget", "platform", "users", "department", "policy", "system", "community",
            "partners", "results", "training", "funding", "contract", "citizens", "support",
            "evaluation", "strategy", "management", "network", "schedule", "survey", "feedback",
            "workflow", "standards", "guidance", "governance", "capacity", "infrastructure",
            "interface", "prototype", "roadmap", "consultation", "outreach", "dashboard",
            "backlog", "baseline", "indicator", "workshop", "helpdesk", "migration", "licence",
            "accessibility", "interoperability", "register", "taxonomy", "archive", "audit",
            "benchmark", "ombudsman", "charter", "tender", "subsidy", "levy", "threshold",
            "caseload", "triage", "escalation", "handover", "rota", "depot", "fleet", "kiosk",
            "counter", "ledger", "mandate", "statute", "bylaw", "ordinance", "tribunal", "appeal",
            "inspectorate", "quango", "secondment", "apprenticeship", "allotment", "cemetery",
            "library", "swimming pool", "bus depot", "car park", "roundabout",
        ],
        "adjs": [
            "new", "local", "public", "digital", "open", "simple", "national", "shared", "better",
            "small", "first", "common", "clear", "online", "regional", "existing", "practical",
            "faster", "cheaper", "secure", "accessible", "reusable", "modular", "cross-border",
            "multilingual", "low-cost", "evidence-based", "user-centred", "paper-based", "legacy",
            "bespoke", "interim", "statutory", "discretionary", "peripatetic", "granular",
            "bilingual", "seasonal", "rural", "coastal",
        ],
        "verbs": [
            "improved", "tested", "launched", "reviewed", "simplified", "shared", "measured",
            "redesigned", "extended", "funded", "adopted", "published", "automated", "replaced",
            "piloted", "scaled", "retired", "merged", "procured", "documented", "translated",
            "audited", "benchmarked", "decommissioned", "outsourced", "insourced", "codified",
            "digitised", "streamlined", "consolidated",
        ],
        "rare": [
            "geofencing", "defibrillators", "braille", "lidar", "beekeeping", "snowploughs",
            "gritting", "wayfinding", "microgrants", "tachographs", "hydrants", "ferries",
            "cemeteries", "allotments", "lifeguards", "sandbags", "bollards", "kerbside",
            "boreholes", "wetlands", "composting", "biochar", "heat pumps", "e-cargo bikes",
            "dementia cafés", "foodbanks", "microchips", "drones", "blockchain", "chatbots",
            "QR codes", "NFC tags", "smart cards", "sign language", "easy read", "audiobooks",
            "paper maps", "helplines", "town criers", "noticeboards", "parish councils",
            "ferry timetables", "toll roads", "speed bumps", "tramways", "cable cars", "gondolas",
            "ice rinks", "lidos", "bandstands", "gazebos", "stiles", "bridleways", "towpaths",
            "weirs", "sluices", "culverts", "soakaways", "swales", "bioswales",
        ],
        "title": {
            "default": [
                "{place}: {subject} with {tool}", "How {place} cut {metric} by {pct}% with {tool}",
                "{Subject} with {tool}: a case study from {place}",
                "Reducing {metric} in {place}: {subject} and {tool}",
                "{Tool} for {subject} in {place}", "{place} rethinks {subject}",
                "From paper to {tool}: {subject} in {place}",
                "{Subject} in {place}: {metric} down {pct}% in {months} months",
                "What {place} learned from {n} years of {subject}",
                "{Project}: {subject} for the people of {place}",
            ],
            "implementation_guide": [
                "Guide: setting up {tool} for {subject}",
                "How to introduce {tool} for {subject}: a step-by-step guide",
                "{Subject}: an implementation guide from {place}",
            ],
            "practical_tip": [
                "Tip: {n} ways to improve {subject}", "Quick win: {tool} for {subject}",
            ],
            "policy_analysis": [
                "{Subject} in {n} countries: what works", "Policy brief: {subject} and {metric}",
            ],
            "tool_template": [
                "Template: {tool} for {subject}", "A reusable toolkit for {subject}",
            ],
        },
        "summary": [
            "{place} {verb} {subject} with {tool}; {metric} fell by {pct}% in {months} months.",
            "A {adj} approach to {subject}: {tool}, built with {actor}.",
            "How {actor} and {actor} in {place} made {subject} work with {tool}.",
            "{Subject} used to take weeks in {place}. {Tool} changed that.",
        ],
        "challenge": [
            "Residents of {place} waited weeks for action on {subject}, and complaints reached "
            "{n} a year.",
            "Before the project, {subject} was handled with paper forms, phone calls and "
            "spreadsheets.",
            "The council had no reliable data on {subject}, so priorities were set by whoever "
            "complained loudest.",
            "Staff spent {pct}% of their time on manual checks instead of helping people.",
            "{metric_cap} had doubled since {year}, and the budget was falling.",
            "Nobody owned {subject} from end to end: {n} teams each held a piece of it.",
            "Citizens did not know where to report problems or what happened next.",
            "An audit in {year} found that {subject} cost far more than in {other}.",
        ],
        "context": [
            "{place} is a {adj} authority of about {n} thousand people.",
            "The project ran from {year} with a team of {small} people and {actor}.",
            "It built on earlier work in {other} and on the {project} programme.",
            "The national framework for {subject} changed in {year}.",
            "The service covers {n} neighbourhoods and receives {n} requests a month.",
        ],
        "approach": [
            "We built {tool} that lets {actor} deal with {subject} in a few minutes.",
            "The team worked with {actor} and {actor} to redesign {subject} around the needs of "
            "users.",
            "A pilot in {small} districts tested {tool} for {months} months before the rollout.",
            "Every report is geolocated, photographed and routed to the right crew.",
            "We started with interviews and shadowing, then prototyped {tool} in {small} weeks.",
            "Data on {metric} is published every week on the {project} dashboard.",
            "The {adj} {noun} was {verb} with help from {actor}.",
            "{actor_cap} can follow each request from submission to resolution.",
        ],
        "implementation": [
            "Procurement took {months} months through an open procedure.",
            "{Tool} is built on open source components and published under an open licence.",
            "Data is exchanged with the back-office {noun} through a documented API.",
            "Training for {n} staff was delivered in {small} sessions.",
            "Integration with the {adj} {noun} was the hardest part.",
            "The rollout followed {small} phases, district by district.",
            "We {verb} the {noun} and {verb} the {noun2} in the same release.",
        ],
        "lessons": [
            "The main lesson: start small, measure {metric} from day one, and involve {actor} "
            "early.",
            "{Rare} turned out to matter more than anyone expected.",
            "Do not underestimate the time needed to clean legacy data.",
            "After {months} months, {metric} fell from {n} to {small}.",
            "Satisfaction rose by {pct}% and complaints about {subject} dropped by a third.",
            "Keeping {actor} involved after launch was harder than building {tool}.",
            "A {adj} {noun} beats a perfect one that never ships.",
        ],
        "replication": [
            "Any authority with {actor} and a small budget can reuse the {project} code.",
            "The forms, data model and procurement documents are available on request.",
            "It would take about {months} months and {small} people to replicate.",
        ],
        "costs": [
            "The total cost was about {n} thousand euros over {small} years.",
            "Running costs are {n} euros a month, mostly hosting and support.",
        ],
        "filler": [
            "The {adj} {noun} was {verb} alongside the {noun2}.",
            "We also looked at {rare} and {rare}.",
            "{Noun} and {noun2} were {verb} by {actor} in {year}.",
            "In {other}, the {noun} was {verb} in a similar way.",
        ],
    },
    "fr": {
        "actors": [
            "les habitants", "les agents de terrain", "la direction du numérique",
            "les commerçants", "les travailleurs sociaux", "les infirmières", "les bénévoles",
            "le service financier", "une université", "une start-up d'État", "les associations",
            "le cabinet du maire", "les syndicats", "les communes voisines", "l'agence nationale",
            "les directeurs d'école", "les jeunes", "les seniors",
        ],
        "nouns": [
            "service", "projet", "données", "équipe", "ville", "démarche", "agents", "conseil",
            "expérimentation", "budget", "plateforme", "usagers", "direction", "politique",
            "système", "territoire", "partenaires", "résultats", "formation", "financement",
            "marché", "citoyens", "accompagnement", "évaluation", "stratégie", "pilotage",
            "réseau", "calendrier", "enquête", "retours", "procédure", "référentiel", "guide",
            "gouvernance", "infrastructure", "interface", "prototype", "feuille de route",
            "concertation", "médiation", "tableau de bord", "indicateur", "atelier", "guichet",
            "migration", "licence", "accessibilité", "interopérabilité", "registre", "archives",
            "audit", "délibération", "arrêté", "circulaire", "subvention", "redevance", "seuil",
            "permanence", "astreinte", "régie", "préfecture", "intercommunalité", "mairie annexe",
            "médiathèque", "piscine", "parking relais", "rond-point",
        ],
        "adjs": [
            "nouveau", "local", "public", "numérique", "ouvert", "simple", "national", "partagé",
            "meilleur", "petit", "premier", "commun", "clair", "régional", "existant", "pratique",
            "rapide", "sécurisé", "accessible", "réutilisable", "modulaire", "transfrontalier",
            "multilingue", "frugal", "intercommunal", "départemental", "réglementaire",
            "saisonnier", "rural", "littoral",
        ],
        "verbs": [
            "amélioré", "testé", "lancé", "revu", "simplifié", "partagé", "mesuré", "repensé",
            "étendu", "financé", "adopté", "publié", "automatisé", "remplacé", "expérimenté",
            "généralisé", "mutualisé", "documenté", "traduit", "audité", "dématérialisé",
            "internalisé", "externalisé", "consolidé",
        ],
        "rare": [
            "géorepérage", "défibrillateurs", "braille", "apiculture", "chasse-neige", "salage",
            "signalétique", "micro-subventions", "bornes incendie", "bacs à marée", "cimetières",
            "jardins partagés", "maîtres-nageurs", "sacs de sable", "potelets", "forages",
            "zones humides", "compostage", "pompes à chaleur", "vélos cargos", "cafés mémoire",
            "épiceries solidaires", "drones", "chaîne de blocs", "codes QR", "langue des signes",
            "facile à lire et à comprendre", "garde champêtre", "tiers-lieux", "bibliobus",
            "halte-garderie", "lavoirs", "fontaines", "noues", "bassins de rétention",
        ],
        "title": {
            "default": [
                "{place} : {subject} grâce à {tool}",
                "Comment {place} a réduit {metric} de {pct} %",
                "{Subject} : retour d'expérience de {place}",
                "{place} repense {subject} avec {tool}",
                "Du papier au numérique : {subject} à {place}",
                "{Subject} à {place} : {metric} en baisse de {pct} % en {months} mois",
                "{Project} : {subject} au service des habitants de {place}",
            ],
            "implementation_guide": [
                "Guide pratique : {tool} pour {subject}",
                "Mettre en place {tool} : le guide de {place}",
            ],
            "practical_tip": [
                "Astuce : {n} façons d'améliorer {subject}",
            ],
            "policy_analysis": [
                "{Subject} dans {n} pays : ce qui fonctionne",
                "Note d'analyse : {subject} et {metric}",
            ],
            "tool_template": [
                "Modèle : {tool} pour {subject}", "Une boîte à outils réutilisable pour {subject}",
            ],
        },
        "summary": [
            "{place} a {verb} {subject} grâce à {tool} ; {metric} a baissé de {pct} % en {months} "
            "mois.",
            "Une démarche {adj} pour {subject} : {tool}, construit avec {actor}.",
            "Comment {actor} de {place} ont transformé {subject} grâce à {tool}.",
        ],
        "challenge": [
            "Les habitants de {place} attendaient des semaines, et les plaintes atteignaient {n} "
            "par an.",
            "Avant le projet, {subject} reposait sur des formulaires papier, le téléphone et des "
            "tableurs.",
            "La collectivité ne disposait d'aucune donnée fiable, et les priorités étaient fixées "
            "au cas par cas.",
            "Les agents consacraient {pct} % de leur temps à des vérifications manuelles.",
            "{metric_cap} avait doublé depuis {year}, alors que le budget baissait.",
            "Personne ne pilotait {subject} de bout en bout : {n} services en avaient chacun une "
            "partie.",
        ],
        "context": [
            "{place} est une collectivité {adj} d'environ {n} mille habitants.",
            "Le projet a démarré en {year} avec une équipe de {small} personnes et {actor}.",
            "Il s'appuie sur l'expérience de {other} et sur le programme {project}.",
            "Le cadre national a changé en {year}.",
        ],
        "approach": [
            "Nous avons conçu {tool} qui permet à {actor} de traiter {subject} en quelques "
            "minutes.",
            "L'équipe a travaillé avec {actor} et {actor} pour repenser {subject} à partir des "
            "besoins des usagers.",
            "Une expérimentation dans {small} quartiers a duré {months} mois avant la "
            "généralisation.",
            "Chaque signalement est géolocalisé, photographié et transmis à la bonne équipe.",
            "Les données sont publiées chaque semaine sur le tableau de bord {project}.",
            "Le {noun} {adj} a été {verb} avec l'aide de {actor}.",
        ],
        "implementation": [
            "La passation du marché a pris {months} mois.",
            "L'outil repose sur des briques libres et est publié sous licence ouverte.",
            "Les données sont échangées avec le {noun} par une API documentée.",
            "{n} agents ont été formés en {small} sessions.",
            "L'intégration avec le {noun} {adj} a été la partie la plus difficile.",
        ],
        "lessons": [
            "Principale leçon : commencer petit, mesurer dès le premier jour et associer {actor} "
            "très tôt.",
            "{Rare} ont compté plus que prévu.",
            "Il ne faut pas sous-estimer le temps de reprise des données existantes.",
            "Après {months} mois, {metric} est passé de {n} à {small}.",
            "La satisfaction a progressé de {pct} % et les plaintes ont baissé d'un tiers.",
        ],
        "replication": [
            "Toute collectivité disposant d'un petit budget peut réutiliser le code de {project}.",
            "Il faut compter environ {months} mois et {small} personnes pour reproduire le projet.",
        ],
        "costs": [
            "Le coût total est d'environ {n} mille euros sur {small} ans.",
        ],
        "filler": [
            "Le {noun} {adj} a été {verb} en même temps que le {noun2}.",
            "Nous avons aussi étudié {rare} et {rare}.",
            "À {other}, le {noun} a été {verb} de la même façon.",
        ],
    },
    "de": {
        "actors": [
            "die Bürgerinnen und Bürger", "die Beschäftigten", "die IT-Abteilung",
            "der Einzelhandel", "die Sozialarbeit", "die Pflegekräfte", "Ehrenamtliche",
            "die Kämmerei", "eine Hochschule", "ein Start-up", "Vereine", "das Bürgermeisteramt",
            "die Nachbarkommunen", "die Bundesagentur",
        ],
        "nouns": [
            "Dienst", "Projekt", "Daten", "Team", "Stadt", "Verfahren", "Verwaltung", "Rat",
            "Pilotprojekt", "Haushalt", "Plattform", "Nutzer", "Amt", "Strategie", "System",
            "Gemeinde", "Partner", "Ergebnisse", "Schulung", "Förderung", "Vertrag", "Umfrage",
            "Rückmeldungen", "Standard", "Leitfaden", "Schnittstelle", "Prototyp", "Fahrplan",
            "Beteiligung", "Kennzahl", "Werkstatt", "Bürgerbüro", "Register", "Archiv", "Prüfung",
            "Satzung", "Verordnung", "Zuschuss", "Gebühr", "Bauhof", "Fuhrpark", "Landratsamt",
            "Ortsteil", "Stadtbücherei", "Freibad",
        ],
        "adjs": [
            "neu", "lokal", "öffentlich", "digital", "offen", "einfach", "national", "gemeinsam",
            "besser", "klein", "erst", "klar", "regional", "bestehend", "praktisch", "schnell",
            "sicher", "barrierefrei", "wiederverwendbar", "modular", "grenzüberschreitend",
            "mehrsprachig", "kommunal", "ländlich",
        ],
        "verbs": [
            "verbessert", "getestet", "gestartet", "überprüft", "vereinfacht", "geteilt",
            "gemessen", "neu gestaltet", "erweitert", "gefördert", "übernommen", "veröffentlicht",
            "automatisiert", "ersetzt", "erprobt", "digitalisiert", "dokumentiert",
            "ausgeschrieben",
        ],
        "rare": [
            "Geofencing", "Defibrillatoren", "Brailleschrift", "Imkerei", "Schneepflüge",
            "Streudienst", "Leitsysteme", "Hydranten", "Fähren", "Friedhöfe", "Kleingärten",
            "Sandsäcke", "Poller", "Feuchtgebiete", "Kompostierung", "Wärmepumpen", "Lastenräder",
            "Drohnen", "Gebärdensprache", "Leichte Sprache", "Rufsäulen",
        ],
        "title": {
            "default": [
                "{place}: {subject} mit {tool}", "Wie {place} {metric} um {pct} % senkte",
                "{Subject}: ein Praxisbericht aus {place}", "{place} denkt {subject} neu",
                "{Project}: {subject} für {place}",
            ],
            "implementation_guide": [
                "Leitfaden: {subject} mit {tool}",
            ],
            "practical_tip": [
                "Praxistipp: {n} Wege zu besserer Arbeit an {subject}",
            ],
            "policy_analysis": [
                "{Subject} in {n} Ländern: was wirkt",
            ],
            "tool_template": [
                "Vorlage: {subject} mit {tool}",
            ],
        },
        "summary": [
            "{place} hat {subject} mit {tool} {verb}; {metric} sank in {months} Monaten um {pct} "
            "%.",
            "Ein {adj}er Ansatz für {subject}, entwickelt mit {actor}.",
        ],
        "challenge": [
            "Die Menschen in {place} warteten wochenlang, und es gab {n} Beschwerden im Jahr.",
            "Vor dem Projekt lief alles über Papierformulare, Telefon und Tabellen.",
            "Die Verwaltung hatte keine verlässlichen Daten, Prioritäten wurden nach Zuruf "
            "gesetzt.",
            "Die Beschäftigten verbrachten {pct} % ihrer Zeit mit manuellen Prüfungen.",
        ],
        "context": [
            "{place} ist eine {adj}e Kommune mit rund {n} Tausend Einwohnern.",
            "Das Projekt begann {year} mit einem Team von {small} Personen und {actor}.",
            "Es baut auf Erfahrungen aus {other} und dem Programm {project} auf.",
        ],
        "approach": [
            "Wir haben {subject} mit {tool} so gestaltet, dass {actor} es in wenigen Minuten "
            "erledigen.",
            "Das Team hat mit {actor} und {actor} den Prozess von den Nutzern her neu gedacht.",
            "Ein Pilot in {small} Stadtteilen lief {months} Monate vor dem Rollout.",
            "Die Daten werden wöchentlich im Dashboard {project} veröffentlicht.",
        ],
        "implementation": [
            "Die Ausschreibung dauerte {months} Monate.",
            "Die Lösung basiert auf Open-Source-Komponenten.",
            "{n} Beschäftigte wurden in {small} Schulungen vorbereitet.",
            "Die Anbindung an das bestehende {noun} war der schwierigste Teil.",
        ],
        "lessons": [
            "Die wichtigste Lehre: klein anfangen, von Anfang an messen und {actor} früh "
            "einbinden.",
            "{Rare} waren wichtiger als erwartet.",
            "Nach {months} Monaten sank der Wert von {n} auf {small}.",
        ],
        "replication": [
            "Jede Kommune kann den Code von {project} nachnutzen.",
        ],
        "costs": [
            "Die Gesamtkosten lagen bei rund {n} Tausend Euro.",
        ],
        "filler": [
            "Das {noun} wurde zusammen mit dem {noun2} {verb}.",
            "Wir haben auch {rare} und {rare} betrachtet.",
            "In {other} wurde das {noun} ähnlich {verb}.",
        ],
    },
    "es": {
        "actors": [
            "los vecinos", "el personal de atención", "el departamento de informática",
            "el comercio local", "los trabajadores sociales", "las enfermeras", "los voluntarios",
            "el área de hacienda", "una universidad", "una start-up", "las asociaciones vecinales",
            "la alcaldía", "los municipios vecinos",
        ],
        "nouns": [
            "servicio", "proyecto", "datos", "equipo", "ciudad", "proceso", "personal",
            "ayuntamiento", "piloto", "presupuesto", "plataforma", "usuarios", "departamento",
            "política", "sistema", "comunidad", "socios", "resultados", "formación",
            "financiación", "contrato", "ciudadanía", "evaluación", "estrategia", "red",
            "encuesta", "procedimiento", "guía", "gobernanza", "interfaz", "prototipo",
            "hoja de ruta", "consulta", "indicador", "taller", "ventanilla", "registro", "archivo",
            "auditoría", "ordenanza", "subvención", "tasa", "diputación", "pedanía", "biblioteca",
            "polideportivo",
        ],
        "adjs": [
            "nuevo", "local", "público", "digital", "abierto", "sencillo", "nacional",
            "compartido", "mejor", "pequeño", "primer", "común", "claro", "regional", "práctico",
            "rápido", "seguro", "accesible", "reutilizable", "modular", "transfronterizo",
            "multilingüe", "municipal", "rural",
        ],
        "verbs": [
            "mejorado", "probado", "lanzado", "revisado", "simplificado", "compartido", "medido",
            "rediseñado", "ampliado", "financiado", "adoptado", "publicado", "automatizado",
            "sustituido", "pilotado", "digitalizado", "documentado",
        ],
        "rare": [
            "geovallas", "desfibriladores", "braille", "apicultura", "quitanieves", "señalética",
            "hidrantes", "cementerios", "huertos urbanos", "socorristas", "sacos terreros",
            "bolardos", "humedales", "compostaje", "bombas de calor", "bicis de carga", "drones",
            "lengua de signos", "lectura fácil", "fuentes",
        ],
        "title": {
            "default": [
                "{place}: {subject} con {tool}", "Cómo {place} redujo {metric} un {pct} %",
                "{Subject}: la experiencia de {place}", "{place} replantea {subject}",
                "{Project}: {subject} para los vecinos de {place}",
            ],
            "implementation_guide": [
                "Guía: {tool} para {subject}",
            ],
            "practical_tip": [
                "Consejo: {n} maneras de mejorar {subject}",
            ],
            "policy_analysis": [
                "{Subject} en {n} países: qué funciona",
            ],
            "tool_template": [
                "Plantilla: {tool} para {subject}",
            ],
        },
        "summary": [
            "{place} ha {verb} {subject} con {tool}; {metric} bajó un {pct} % en {months} meses.",
            "Un enfoque {adj} para {subject}, construido con {actor}.",
        ],
        "challenge": [
            "Los vecinos de {place} esperaban semanas y las quejas llegaban a {n} al año.",
            "Antes del proyecto todo se gestionaba con formularios en papel, teléfono y hojas de "
            "cálculo.",
            "El ayuntamiento no tenía datos fiables y las prioridades se fijaban caso por caso.",
            "El personal dedicaba el {pct} % de su tiempo a comprobaciones manuales.",
        ],
        "context": [
            "{place} es un municipio {adj} de unos {n} mil habitantes.",
            "El proyecto empezó en {year} con un equipo de {small} personas y {actor}.",
            "Se basa en la experiencia de {other} y en el programa {project}.",
        ],
        "approach": [
            "Creamos {tool} para que {actor} resuelvan {subject} en pocos minutos.",
            "El equipo trabajó con {actor} y {actor} para rediseñar el servicio desde las "
            "necesidades de los usuarios.",
            "Un piloto en {small} barrios duró {months} meses antes del despliegue.",
            "Los datos se publican cada semana en el panel {project}.",
        ],
        "implementation": [
            "La licitación duró {months} meses.",
            "La herramienta se basa en componentes de código abierto.",
            "Se formó a {n} empleados en {small} sesiones.",
            "La integración con el {noun} existente fue la parte más difícil.",
        ],
        "lessons": [
            "La lección principal: empezar en pequeño, medir desde el primer día e implicar a "
            "{actor}.",
            "{Rare} resultaron más importantes de lo esperado.",
            "Tras {months} meses, {metric} pasó de {n} a {small}.",
        ],
        "replication": [
            "Cualquier municipio puede reutilizar el código de {project}.",
        ],
        "costs": [
            "El coste total fue de unos {n} mil euros.",
        ],
        "filler": [
            "El {noun} {adj} fue {verb} junto con el {noun2}.",
            "También estudiamos {rare} y {rare}.",
            "En {other}, el {noun} fue {verb} de forma parecida.",
        ],
    },
}  # fmt: skip

CONTRIBUTION_KINDS = [
    ("case_study", 35), ("best_practice", 20), ("success_story", 12), ("practical_tip", 12),
    ("implementation_guide", 9), ("policy_analysis", 7), ("tool_template", 5),
]  # fmt: skip
STAGES = [("in_operation", 50), ("pilot", 20), ("scaled", 15), ("idea", 5), ("discontinued", 10)]
VISIBILITY = [("public", 86), ("members", 10), ("verified", 4)]
EVIDENCE = [(None, 40), (1, 25), (2, 18), (3, 10), (4, 5), (5, 2)]
# Language by the organisation's country: mostly English and French, some German and Spanish.
LANGUAGE_BY_COUNTRY = {
    "FR": [("fr", 90), ("en", 10)], "BE": [("fr", 60), ("en", 40)], "CA": [("en", 60), ("fr", 40)],
    "DE": [("de", 65), ("en", 35)], "ES": [("es", 65), ("en", 35)],
}  # fmt: skip
DEFAULT_LANGUAGES = [("en", 92), ("fr", 4), ("de", 2), ("es", 2)]
SECTIONS = [
    # field, sentences (min, max), chance it is filled
    ("challenge", 3, 5, 1.0), ("context", 2, 4, 0.9), ("approach", 4, 7, 1.0),
    ("implementation", 3, 5, 0.85), ("lessons", 2, 4, 0.9), ("replication", 1, 2, 0.5),
    ("costs", 1, 1, 0.4),
]  # fmt: skip
FILLER_CHANCE = 0.3
SYLLABLES = [
    "ka", "ve", "lo", "mar", "tin", "bel", "dor", "sa", "ri", "no", "ven", "ta", "mi", "ra",
    "sel", "gor", "lin", "bra", "qui", "ste", "fen", "hol", "wick", "ton", "by", "heim", "ville",
    "dal", "berg", "mont", "ro", "cas", "tel", "vik", "und", "a", "e", "o", "an", "ber",
]  # fmt: skip


class Zipf:
    """Picks from a list ordered by frequency: item i with weight 1 / (i + 1) ** s."""

    def __init__(self, items, s: float = 1.0):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(1 / (i + 1) ** s for i in range(len(items))))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        index = bisect.bisect(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


class Weighted:
    def __init__(self, pairs):
        self.items = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def made_up_names(rng: random.Random, count: int) -> list[str]:
    """Place and project names that exist nowhere: the long tail of rare words."""
    names: dict[str, None] = {}
    while len(names) < count:
        parts = rng.randint(2, 3)
        names["".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()] = None
    return list(names)


def compile_template(template: str) -> list[tuple[str, str | None]]:
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


class Writer:
    """Generates one contribution's title, summary, sections and facets, reproducibly."""

    def __init__(self, rng: random.Random, *, topics, sectors, organizations, authors):
        self.rng = rng
        self.themes = Weighted([(theme, theme["weight"]) for theme in THEMES])
        self.kinds = Weighted(CONTRIBUTION_KINDS)
        self.stages = Weighted(STAGES)
        self.visibility = Weighted(VISIBILITY)
        self.evidence = Weighted(EVIDENCE)
        self.languages = {c: Weighted(pairs) for c, pairs in LANGUAGE_BY_COUNTRY.items()}
        self.default_languages = Weighted(DEFAULT_LANGUAGES)
        # Made-up places and projects: a few are famous, most appear a handful of times.
        self.places = Zipf(made_up_names(rng, 40_000), s=0.9)
        self.projects = Zipf(made_up_names(rng, 20_000), s=1.0)
        self.topic_parents = topics  # slug -> parent slug or None
        self.sector_slugs = set(sectors)
        # Organisations: (pk, country, level); a few publish a lot, most a little.
        shuffled = list(organizations)
        rng.shuffle(shuffled)
        self.organizations = Zipf(shuffled, s=0.8)
        authors = list(authors)
        rng.shuffle(authors)
        self.authors = Zipf(authors, s=0.7)
        self.levels = ["local", "regional", "national", "international", "other"]
        self.words = {}
        for code, lang in LANGUAGES.items():
            self.words[code] = {
                name: Zipf(lang[name], s=1.0)
                for name in ("actors", "nouns", "adjs", "verbs", "rare")
            }
        self.templates = {
            code: {
                section: [compile_template(t) for t in lang[section]]
                for section in ("summary", "filler", *(s[0] for s in SECTIONS))
            }
            | {
                "title": {
                    kind: [compile_template(t) for t in templates]
                    for kind, templates in lang["title"].items()
                }
            }
            for code, lang in LANGUAGES.items()
        }

    # Slots ------------------------------------------------------------------------------------

    def _slot(self, name: str, doc: dict) -> str:
        rng, words = self.rng, self.words[doc["language"]]
        capital = name[0].isupper() or name.endswith("_cap")
        key = name.removesuffix("_cap").lower()
        if key == "place":
            value = doc["place"]
        elif key == "other":
            value = self.places.pick(rng)
        elif key == "project":
            value = doc["project"] if rng.random() < 0.7 else self.projects.pick(rng)
        elif key in ("subject", "metric", "tool"):
            options = doc["theme_words"][("subject", "metric", "tool").index(key)]
            # The item's own subject mostly, sometimes a neighbouring phrase of its theme.
            value = doc[key] if rng.random() < 0.6 else rng.choice(options)
        elif key in ("actor", "noun", "noun2", "adj", "verb", "rare"):
            source = {"noun2": "nouns", "actor": "actors"}.get(key, key + "s")
            if key == "rare":
                source = "rare"
            value = words[source].pick(rng)
        elif key == "n":
            value = str(int(rng.paretovariate(1.2) * 3))
        elif key == "small":
            value = str(rng.randint(2, 12))
        elif key == "pct":
            value = str(rng.randint(5, 80))
        elif key == "months":
            value = str(rng.randint(2, 36))
        elif key == "year":
            value = str(rng.randint(2008, 2024))
        else:
            raise KeyError(name)
        return value[:1].upper() + value[1:] if capital else value

    def _fill(self, template, doc: dict) -> str:
        parts = []
        for literal, name in template:
            parts.append(literal)
            if name is not None:
                parts.append(self._slot(name, doc))
        text = "".join(parts)
        return text[:1].upper() + text[1:]

    def _sentences(self, section: str, count: int, doc: dict) -> str:
        rng, templates = self.rng, self.templates[doc["language"]]
        sentences = []
        for _ in range(count):
            pool = templates["filler"] if rng.random() < FILLER_CHANCE else templates[section]
            sentences.append(self._fill(rng.choice(pool), doc))
        return " ".join(sentences)

    # One contribution --------------------------------------------------------------------------

    def contribution(self) -> dict:
        rng = self.rng
        theme = self.themes.pick(rng)
        organization = self.organizations.pick(rng) if rng.random() < 0.92 else None
        country = organization[1] if organization else rng.choice(["FR", "GB", "DE", "ES", "IT"])
        chooser = self.languages.get(country, self.default_languages)
        language = chooser.pick(rng)
        subjects, metrics, tools = theme[language]
        kind = self.kinds.pick(rng)
        doc = {
            "language": language,
            "theme_words": (subjects, metrics, tools),
            "subject": rng.choice(subjects),
            "metric": rng.choice(metrics),
            "tool": rng.choice(tools),
            "place": self.places.pick(rng),
            "project": self.projects.pick(rng),
        }
        titles = self.templates[language]["title"]
        doc["title"] = self._fill(rng.choice(titles.get(kind, titles["default"])), doc)[:200]
        summary = self._fill(rng.choice(self.templates[language]["summary"]), doc)
        sections = {}
        for field, least, most, chance in SECTIONS:
            if rng.random() < chance:
                paragraphs = [
                    self._sentences(field, rng.randint(least, most), doc)
                    for _ in range(
                        1 if field not in ("approach", "challenge") else rng.randint(1, 2)
                    )
                ]
                sections[field] = "\n\n".join(paragraphs)
            else:
                sections[field] = ""
        # Facets, as search.documents.practice_document makes them.
        topic_slugs = list(theme["topics"])
        if rng.random() < 0.3:
            topic_slugs.append(rng.choice(list(self.topic_parents)))
        topics = sorted({s for s in topic_slugs if s in self.topic_parents})
        sectors = [s for s in theme["sectors"] if s in self.sector_slugs][: rng.randint(1, 2)]
        level = organization[2] if organization else rng.choice(self.levels)
        levels = [level] + ([rng.choice(self.levels)] if rng.random() < 0.15 else [])
        countries = [country] + (
            [rng.choice(["FR", "DE", "ES", "NL", "FI"])] if rng.random() < 0.1 else []
        )
        evidence = self.evidence.pick(rng)
        reviewed = evidence is not None and rng.random() < 0.6
        return {
            "title": doc["title"],
            "summary": summary,
            "sections": sections,
            "language": language,
            "kind": kind,
            "stage": self.stages.pick(rng),
            "visibility": self.visibility.pick(rng),
            "organization_id": organization[0] if organization else None,
            "author_id": self.authors.pick(rng),
            "topics": topics,
            "sectors": sorted(set(sectors)),
            "levels": sorted(set(levels)),
            "countries": sorted(set(countries)),
            "evidence": evidence,
            "reviewed": reviewed,
            # More is published every year: the density grows towards now.
            "age_days": int((1 - rng.random() ** 0.6) * 365 * 9),
            "adoptions": int(rng.paretovariate(2.0)) - 1 if rng.random() < 0.3 else 0,
            "comments": int(rng.paretovariate(1.5)) - 1 if rng.random() < 0.5 else 0,
        }


# --- Rows ----------------------------------------------------------------------------------------

# A fixed "now", so that the same seed makes the same dates on every run.
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BODY_FIELDS = [
    "challenge", "context", "approach", "implementation", "lessons", "replication", "costs",
]  # fmt: skip


class Tables:
    """Table and column names from the models, so that a new column with a default never
    breaks the seed: every column not set here gets its field's default."""

    def __init__(self):
        from govcommons.core.models import Item
        from govcommons.practices.models import Practice, PracticeCountry, PracticeLevel
        from govcommons.search.models import SearchDocument, SearchFacet

        self.item = self._table(Item)
        self.practice = self._table(Practice)
        self.document = self._table(
            SearchDocument, skip={"search_vector", "rank_vector", "title_vector"}
        )
        self.facet = self._table(SearchFacet, skip={"id"})
        self.level = self._table(PracticeLevel, skip={"id"})
        self.country = self._table(PracticeCountry, skip={"id"})
        topics = Practice._meta.get_field("topics").remote_field.through
        sectors = Practice._meta.get_field("sectors").remote_field.through
        self.practice_topic = (topics._meta.db_table, ["practice_id", "topic_id"], {})
        self.practice_sector = (sectors._meta.db_table, ["practice_id", "sector_id"], {})

    @staticmethod
    def _table(model, skip=frozenset()):
        columns, defaults = [], {}
        for field in model._meta.concrete_fields:
            if field.column in skip:
                continue
            columns.append(field.column)
            defaults[field.column] = field.get_default()
        return model._meta.db_table, columns, defaults

    def all(self):
        return [
            self.item, self.practice, self.practice_topic, self.practice_sector, self.level,
            self.country, self.document, self.facet,
        ]  # fmt: skip


def row(table, values: dict) -> tuple:
    _, columns, defaults = table
    return tuple(values[c] if c in values else defaults[c] for c in columns)


class Batch:
    """The rows of a batch of contributions, table by table."""

    def __init__(self):
        self.rows: dict[str, list] = {}
        self.fts: list[tuple] = []
        self.count = 0

    def add(self, table, values: dict) -> None:
        self.rows.setdefault(table[0], []).append(row(table, values))


def make_rows(batch: Batch, tables: Tables, item_id: int, c: dict, ids: dict, rng) -> set:
    """One contribution's rows in every table; returns its title vocabulary."""
    from django.utils.text import slugify

    published_at = NOW - timedelta(days=c["age_days"], seconds=rng.randint(0, 86_399))
    sections = c["sections"]
    batch.add(tables.item, {
        "id": item_id, "kind": "practice", "title": c["title"],
        "slug": f"{slugify(c['title'])[:180]}-{item_id}", "summary": c["summary"],
        "author_id": c["author_id"], "organization_id": c["organization_id"],
        "visibility": c["visibility"], "status": "published", "language": c["language"],
        "created_at": published_at - timedelta(days=rng.randint(1, 60)),
        "updated_at": published_at + timedelta(days=rng.randint(0, 30)),
        "published_at": published_at, "revision_number": 1, "comment_count": c["comments"],
        "useful_count": c["comments"] // 2, "adoption_count": c["adoptions"],
        "adoption_country_count": min(c["adoptions"], 1 + c["adoptions"] // 3),
    })  # fmt: skip
    batch.add(tables.practice, {
        "item_id": item_id, "contribution_kind": c["kind"], **sections, "stage": c["stage"],
        "state": "published", "evidence_level": c["evidence"], "live_revision": 1,
        "last_reviewed_at": published_at - timedelta(days=5) if c["reviewed"] else None,
    })  # fmt: skip
    for slug in c["topics"]:
        batch.add(tables.practice_topic, {"practice_id": item_id, "topic_id": ids["topic"][slug]})
    for slug in c["sectors"]:
        batch.add(
            tables.practice_sector, {"practice_id": item_id, "sector_id": ids["sector"][slug]}
        )
    for level in c["levels"]:
        batch.add(tables.level, {"practice_id": item_id, "level": level})
    for country in c["countries"]:
        batch.add(tables.country, {"practice_id": item_id, "country": country})

    # The search document as search.documents.practice_document would make it: Markdown
    # paragraphs become plain text joined by spaces.
    parts = [c["summary"], *(sections[name] for name in BODY_FIELDS)]
    body = " ".join(" ".join(parts).split())
    return add_search_rows(
        batch, tables, item_id, c, ids, body=body, published_at=published_at,
        adoption_count=c["adoptions"], evidence=c["evidence"],
    )  # fmt: skip


def add_search_rows(
    batch: Batch,
    tables: Tables,
    item_id: int,
    c: dict,
    ids: dict,
    *,
    body: str,
    published_at,
    adoption_count: int,
    evidence,
) -> set:
    """A contribution's search document, facet values and (SQLite) full-text row, as
    search.services.index_item writes them; returns its title vocabulary. Also used by
    govcommons.core.benchdata."""
    from govcommons.search.services import VOCABULARY_MIN_LENGTH
    from govcommons.search.text import stems, words

    batch.add(tables.document, {
        "item_id": item_id, "kind": "practice", "language": c["language"],
        "visibility": c["visibility"], "title": c["title"], "body": body,
        "published_at": published_at, "adoption_count": adoption_count, "indexed_at": NOW,
    })  # fmt: skip
    facets = [("kind", "practice"), ("language", c["language"])]
    if c["organization_id"]:
        facets.append(("organization", str(c["organization_id"])))
    topic_values = set(c["topics"]) | {ids["topic_parent"][s] for s in c["topics"]} - {None}
    facets += [("topic", slug) for slug in sorted(topic_values)]
    facets += [("sector", slug) for slug in c["sectors"]]
    facets += [("level", level) for level in c["levels"]]
    facets += [("country", country) for country in c["countries"]]
    facets.append(("type", c["kind"]))
    if evidence:
        facets.append(("evidence", str(evidence)))
    facets.append(("peer_reviewed", "yes" if c["reviewed"] else "no"))
    for name, value in dict.fromkeys(facets):
        batch.add(tables.facet, {"document_id": item_id, "name": name, "value": value})
    title_words = words(c["title"])
    if ids["vendor"] == "sqlite":
        batch.fts.append(
            (item_id, stems(c["title"], c["language"]), stems(body, c["language"]),
             " ".join(title_words))
        )  # fmt: skip
    batch.count += 1
    return {w for w in title_words if len(w) >= VOCABULARY_MIN_LENGTH and not w.isdigit()}


# --- Loading -------------------------------------------------------------------------------------


class SqliteLoader:
    """executemany in one transaction per batch on the raw connection, secondary indexes
    dropped during the load and made again after (faster than keeping them up to date)."""

    def __init__(self, tables: Tables):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []

    def drop_indexes(self, connection) -> None:
        names = [t[0] for t in self.tables.all()]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                f"AND sql IS NOT NULL AND tbl_name IN ({', '.join(['%s'] * len(names))})",
                names,
            )
            self.indexes = cursor.fetchall()
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def start_writing(self, connection) -> None:
        with connection.cursor() as cursor:
            # A throw-away database: no journal to speak of, no fsync, a big page cache.
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")

    def write(self, connection, batch: Batch) -> None:
        from django.db import transaction

        raw = connection.connection
        with transaction.atomic():
            for name, columns, _ in self.tables.all():
                rows = batch.rows.get(name)
                if rows:
                    raw.executemany(
                        f"INSERT INTO {name} ({', '.join(columns)}) "  # noqa: S608
                        f"VALUES ({', '.join('?' * len(columns))})",
                        [self._adapt(r) for r in rows] if name != self.tables.facet[0] else rows,
                    )
            raw.executemany(
                "INSERT INTO search_fts (rowid, title, body, words) VALUES (?, ?, ?, ?)",
                batch.fts,
            )

    @staticmethod
    def _adapt(values: tuple) -> tuple:
        # Dates as Django stores them in SQLite (naive UTC text).
        return tuple(
            v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
            for v in values
        )

    def finish(self, connection, *, optimize_fts: bool, analyze: bool) -> dict:
        timings = {}
        with connection.cursor() as cursor:
            started = time.monotonic()
            for _, sql in self.indexes:
                cursor.execute(sql)
            timings["indexes_s"] = round(time.monotonic() - started, 1)
            if optimize_fts:
                started = time.monotonic()
                cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
                timings["fts_optimize_s"] = round(time.monotonic() - started, 1)
            if analyze:
                started = time.monotonic()
                cursor.execute("ANALYZE")
                timings["analyze_s"] = round(time.monotonic() - started, 1)
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return timings


class PostgresLoader:
    """COPY into each table, the search document through a staging table so that its
    tsvector is made in the same INSERT (in the item's language configuration, as
    search.backends.PostgresBackend.write does), secondary indexes (the GIN index among them)
    dropped during the load and made again after."""

    STAGE = "bench_search_stage"
    KEYS = "bench_search_keys"

    def __init__(self, tables: Tables):
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []

    def drop_indexes(self, connection) -> None:
        names = [t[0] for t in self.tables.all()]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [names],
            )
            self.indexes = cursor.fetchall()
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def start_writing(self, connection) -> None:
        table, columns, _ = self.tables.document
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute(
                f"CREATE TEMP TABLE {self.STAGE} AS SELECT {', '.join(columns)} "  # noqa: S608
                f"FROM {table} WITH NO DATA"
            )
            cursor.execute(f"CREATE TEMP TABLE {self.KEYS} (item_id bigint, keys text[])")

    def write(self, connection, batch: Batch) -> None:
        from django.db import transaction

        from govcommons.search.backends import PostgresBackend

        document_table, document_columns, _ = self.tables.document
        facet_table, facet_columns, _ = self.tables.facet
        with transaction.atomic(), connection.connection.cursor() as cursor:
            for name, columns, _ in self.tables.all():
                rows = batch.rows.get(name)
                if not rows:
                    continue
                target = self.STAGE if name == document_table else name
                with cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
            # Each document's facet values as its array (search migration 0006), as
            # PostgresBackend.write keeps it: written with the row, not updated after.
            keys: dict[int, list[str]] = {}
            document, name, value = (
                facet_columns.index(c) for c in ("document_id", "name", "value")
            )
            for facet in batch.rows.get(facet_table, []):
                keys.setdefault(facet[document], []).append(f"{facet[name]}:{facet[value]}")
            with cursor.copy(f"COPY {self.KEYS} (item_id, keys) FROM STDIN") as copy:
                for item_id, values in keys.items():
                    copy.write_row((item_id, sorted(set(values))))
            config = PostgresBackend.config_of_row()
            listed = ", ".join(document_columns)
            staged = ", ".join(f"s.{column}" for column in document_columns)
            lead = PostgresBackend.LEAD_CHARACTERS
            cursor.execute(
                f"INSERT INTO {document_table} ({listed}, search_vector, rank_vector, "  # noqa: S608
                f"title_vector, facet_keys) SELECT {staged}, "
                f"setweight(to_tsvector({config}, s.title), 'A') || "
                f"setweight(to_tsvector({config}, s.body), 'C'), "
                f"setweight(to_tsvector({config}, s.title), 'A') || "
                f"setweight(to_tsvector({config}, left(s.body, {lead})), 'B'), "
                f"to_tsvector({config}, s.title), COALESCE(k.keys, '{{}}') FROM {self.STAGE} s "
                f"LEFT JOIN {self.KEYS} k ON k.item_id = s.item_id"
            )
            cursor.execute(f"TRUNCATE {self.STAGE}, {self.KEYS}")

    def finish(self, connection, *, optimize_fts: bool, analyze: bool) -> dict:
        timings = {}
        item_table = self.tables.item[0]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{item_table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {item_table}))"
            )
            started = time.monotonic()
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, sql in self.indexes:
                cursor.execute(sql)
            timings["indexes_s"] = round(time.monotonic() - started, 1)
            # What autovacuum soon does to a table after many inserts (PostgreSQL 13+): the
            # planner's statistics, and the visibility map that index-only scans need.
            started = time.monotonic()
            cursor.execute("VACUUM ANALYZE")
            timings["analyze_s"] = round(time.monotonic() - started, 1)
        return timings


class BackgroundWriter(threading.Thread):
    """Writes batches on its own connection while the main thread generates the next ones:
    one core makes text, the other (SQLite's FTS5, PostgreSQL's to_tsvector) indexes it."""

    def __init__(self, loader, progress):
        super().__init__(daemon=True)
        self.loader = loader
        self.progress = progress
        self.batches: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.written = 0

    def run(self) -> None:
        from django.db import connection

        try:
            self.loader.start_writing(connection)
            while (batch := self.batches.get()) is not None:
                self.loader.write(connection, batch)
                self.written += batch.count
                self.progress.update(self.written)
        except BaseException as exc:  # handed to the main thread, which raises it
            self.error = exc
            while self.batches.get() is not None:  # let the producer finish
                pass
        finally:
            connection.close()

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)


def reference_data(rng: random.Random):
    from govcommons.accounts.models import User
    from govcommons.organizations.models import Organization
    from govcommons.taxonomy.models import Sector, Topic

    # By primary key: the default order sorts names, which SQLite and PostgreSQL collate
    # differently, and the same seed must give the same data on both.
    topics = {t.slug: t for t in Topic.objects.select_related("parent").order_by("pk")}
    ids = {
        "topic": {slug: t.pk for slug, t in topics.items()},
        "topic_parent": {slug: t.parent.slug if t.parent else None for slug, t in topics.items()},
        "sector": dict(Sector.objects.values_list("slug", "pk")),
    }
    organizations = list(Organization.objects.order_by("pk").values_list("pk", "country", "level"))
    authors = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    if not organizations or not authors or not topics:
        sys.exit("Run seed_demo and bench/seed.py first: no organisations, members or topics.")
    writer = Writer(
        rng, topics=ids["topic_parent"], sectors=ids["sector"], organizations=organizations,
        authors=authors,
    )  # fmt: skip
    return ids, writer


def add_vocabulary(vocabulary: Counter) -> None:
    from django.db import connection, transaction

    rows = sorted(vocabulary.items())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(
                "INSERT INTO search_searchword (word, document_count) VALUES (%s, %s) "
                "ON CONFLICT (word) DO UPDATE SET "
                "document_count = search_searchword.document_count + excluded.document_count",
                rows[start : start + 10_000],
            )


def check_against_indexer(item_ids: list[int]) -> list[str]:
    """The seeded documents must be what search.documents makes from the same rows: compare a
    few, so that the benchmark never measures an index the site would not build."""
    from govcommons.core.models import Item
    from govcommons.search.documents import document_for
    from govcommons.search.models import SearchDocument

    problems = []
    for item in Item.objects.filter(pk__in=item_ids):
        expected = document_for(item)
        document = SearchDocument.objects.get(pk=item.pk)
        seeded = set(document.facets.values_list("name", "value"))
        if document.title != expected.title or document.body != expected.body:
            problems.append(f"item {item.pk}: title or body differs from search.documents")
        if seeded != set(expected.facets):
            problems.append(f"item {item.pk}: facets differ: {seeded ^ set(expected.facets)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="contributions to add")
    parser.add_argument("--seed", type=int, default=2024, help="random seed: same data each run")
    parser.add_argument("--batch", type=int, default=2_000, help="contributions per transaction")
    parser.add_argument(
        "--optimize-fts", action="store_true",
        help="SQLite: merge the FTS5 index into one segment after loading (a live index, "
        "written one item at a time, is not; off by default)",
    )  # fmt: skip
    parser.add_argument(
        "--analyze", action="store_true",
        help="SQLite: run ANALYZE (the site never does; off by default). PostgreSQL always "
        "gets VACUUM ANALYZE, as autovacuum would",
    )  # fmt: skip
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from govcommons.core.models import Item
    from govcommons.core.progress import ProgressBar

    started = time.monotonic()
    rng = random.Random(args.seed)
    tables = Tables()
    ids, writer = reference_data(rng)
    ids["vendor"] = connection.vendor
    loader = PostgresLoader(tables) if connection.vendor == "postgresql" else SqliteLoader(tables)
    first_id = (Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    loader.drop_indexes(connection)
    connection.close()

    bar = ProgressBar("contributions", args.size)
    background = BackgroundWriter(loader, bar)
    background.start()
    vocabulary: Counter = Counter()
    batch = Batch()
    for number in range(args.size):
        vocabulary.update(
            make_rows(batch, tables, first_id + number, writer.contribution(), ids, rng)
        )
        if batch.count >= args.batch:
            background.put(batch)
            batch = Batch()
    if batch.count:
        background.put(batch)
    background.batches.put(None)
    background.join()
    if background.error is not None:
        raise background.error
    loaded = time.monotonic() - started

    add_vocabulary(vocabulary)
    timings = loader.finish(connection, optimize_fts=args.optimize_fts, analyze=args.analyze)
    sample = [first_id + rng.randrange(args.size) for _ in range(5)] if args.size else []
    problems = check_against_indexer(sample)
    for problem in problems:
        sys.stderr.write(f"  WARNING {problem}\n")
    summary = {
        "contributions": args.size,
        "seed": args.seed,
        "database": connection.vendor,
        "load_s": round(loaded, 1),
        **timings,
        "total_s": round(time.monotonic() - started, 1),
        "documents": Item.objects.filter(search_document__isnull=False).count(),
        "title_words": len(vocabulary),
        "fts_optimized": bool(args.optimize_fts) and connection.vendor == "sqlite",
        "checked_against_indexer": len(sample),
        "indexer_differences": problems,
    }
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
